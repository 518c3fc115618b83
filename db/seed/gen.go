package seed

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Times inside the generator are Unix seconds (int64) and dates are days since 1970-01-01 in
// Western Indonesia Time (WIB, UTC+7, no daylight saving), so that "the day a payment is due" is
// the day Indonesians see. Zero means NULL for optional times.
const (
	minute = int64(60)
	hour   = 60 * minute
	day    = 24 * hour
	wibOff = 7 * hour
)

// dateOf returns the WIB calendar day of t.
func dateOf(t int64) int32 { return int32(floorDiv(t+wibOff, day)) }

// dayStart returns 00:00 WIB of date d.
func dayStart(d int32) int64 { return int64(d)*day - wibOff }

// ymd returns the date of a calendar day.
func ymd(y, m, d int) int32 {
	return int32(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / day)
}

// civil returns year, month and day of date d.
func civil(d int32) (int, time.Month, int) {
	return time.Unix(int64(d)*day, 0).UTC().Date()
}

// addMonths moves date d by n calendar months (clamping to the month's end like banks do).
func addMonths(d int32, n int) int32 {
	y, m, dd := civil(d)
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if dd > last {
		dd = last
	}
	return int32(time.Date(first.Year(), first.Month(), dd, 0, 0, 0, 0, time.UTC).Unix() / day)
}

// weekday of date d, 0 = Sunday.
func weekday(d int32) int { return int(((int64(d)+4)%7 + 7) % 7) }

// addWorkdays returns the date n working days (Monday–Friday) after d; n = 0 rolls a weekend day
// forward to Monday.
func addWorkdays(d int32, n int) int32 {
	for weekday(d) == 0 || weekday(d) == 6 {
		d++
	}
	for n > 0 {
		d++
		if wd := weekday(d); wd != 0 && wd != 6 {
			n--
		}
	}
	return d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// rng is the generator's random source: math/rand/v2 over PCG, one stream per phase so that a change
// in one phase does not reshuffle the others.
type rng struct{ *rand.Rand }

func newRNG(seed int64, stream uint64) rng {
	return rng{rand.New(rand.NewPCG(uint64(seed), 0x9E3779B97F4A7C15*(stream+1)))}
}

// between returns a uniform value in [a, b); a when b <= a.
func (r rng) between(a, b int64) int64 {
	if b <= a {
		return a
	}
	return a + r.Int64N(b-a)
}

// chance reports true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// pick returns a uniform element of s.
func pick[T any](r rng, s []T) T { return s[r.IntN(len(s))] }

// weighted picks indexes with probability proportional to their weights.
type weighted struct{ cum []float64 }

func newWeighted(w []float64) weighted {
	cum := make([]float64, len(w))
	total := 0.0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	return weighted{cum}
}

func (w weighted) pick(r rng) int {
	if len(w.cum) == 0 {
		return -1
	}
	x := r.Float64() * w.cum[len(w.cum)-1]
	// The first entry whose cumulative weight exceeds x; zero-weight entries are never chosen.
	return sort.Search(len(w.cum), func(i int) bool { return w.cum[i] > x })
}

// mix is a 64-bit hash (splitmix64 finaliser), for pseudo-random properties derived from ids and
// the seed rather than from the order things are generated in.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// hashFloat returns a value in [0, 1) from the given keys.
func hashFloat(keys ...uint64) float64 {
	h := uint64(0x243F6A8885A308D3)
	for _, k := range keys {
		h = mix(h ^ k)
	}
	return float64(h>>11) / (1 << 53)
}

// permute maps i in [0, m) one-to-one onto [0, m) when m is a power of ten and a is odd and not a
// multiple of 5, so that derived numbers (card, phone, e-mail suffix) are unique without a lookup.
func permute(i, m, a, b uint64) uint64 { return (i%m*a + b) % m }

// scramble40 maps i one-to-one onto 40-bit values (an odd multiplier is invertible modulo 2^40).
func scramble40(i, salt uint64) uint64 {
	const mask = 1<<40 - 1
	x := (i*0xD6E8FEB86659FD93 + salt) & mask
	x ^= x >> 17
	x = (x * 0x9E3779B1) & mask
	return x
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// base32x8 formats the low 40 bits of v as eight Crockford base-32 characters.
func base32x8(v uint64) string {
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = crockford[v&31]
		v >>= 5
	}
	return string(b[:])
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

func roundTo(x float64, unit int64) int64 {
	return int64(math.Round(x/float64(unit))) * unit
}

func minI64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

func maxI64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
