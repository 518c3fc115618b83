package seed

import (
	"fmt"
	"math"
)

// The real calendar of waves (gelombang) 1–66, as opening dates and quotas. Waves 67–72 are placed
// relative to Now so that the newest wave is open and the one before it has just been drawn.
var waveCalendar = func() (opens [72][3]int, quotas [72]int) {
	fixed := [][3]int{
		{2020, 4, 11}, {2020, 4, 20}, {2020, 4, 26}, {2020, 8, 26}, {2020, 9, 5}, {2020, 9, 19}, {2020, 9, 26},
		{2020, 10, 10}, {2020, 10, 24}, {2020, 11, 7}, {2020, 11, 21},
		{2021, 2, 9}, {2021, 3, 3}, {2021, 3, 23}, {2021, 4, 6}, {2021, 4, 27}, {2021, 6, 7}, {2021, 7, 26},
		{2021, 8, 24}, {2021, 9, 21}, {2021, 10, 19}, {2021, 11, 23},
	}
	copy(opens[:], fixed)
	q := []int{200000, 288154, 288765, 800000, 800000, 800000, 800000, 800000, 800000, 400000, 400000,
		600000, 600000, 600000, 700000, 300000, 300000, 500000, 500000, 600000, 600000, 600000}
	copy(quotas[:], q)
	// 2022: waves 23–47 about every twelve days.
	for i := 0; i < 25; i++ {
		d := ymd(2022, 2, 24) + int32(12*i)
		y, m, dd := civil(d)
		opens[22+i] = [3]int{y, int(m), dd}
		quotas[22+i] = 100000 + (i*37%9)*25000
	}
	// 2023: waves 48–62 about every twenty days; wave 48 had the smallest quota ever.
	q23 := []int{10000, 15000, 40000, 50000, 60000, 70000, 80000, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000}
	for i := 0; i < 15; i++ {
		d := ymd(2023, 3, 2) + int32(20*i)
		y, m, dd := civil(d)
		opens[47+i] = [3]int{y, int(m), dd}
		quotas[47+i] = q23[i]
	}
	// 2024 onward.
	tail := [][3]int{{2024, 1, 18}, {2024, 3, 14}, {2024, 5, 8}, {2024, 7, 4}, {2024, 8, 29}, {2024, 9, 26}, {2024, 10, 24}, {2024, 11, 14}, {2024, 11, 28}, {2024, 12, 12}}
	qt := []int{60000, 80000, 100000, 120000, 100000, 100000, 120000, 150000, 200000, 150000}
	for i := range tail {
		opens[62+i] = tail[i]
		quotas[62+i] = qt[i]
	}
	return
}

// tailOffsets are how many days before Now waves 67–72 open.
var tailOffsets = [6]int32{95, 75, 55, 35, 15, 2}

const firstTailWave = 67

// openDays is how long registration for a wave stays open.
func openDays(number int) int32 {
	switch {
	case number <= 3:
		return 4
	case number <= 11:
		return 5
	case number <= 22:
		return 4
	case number <= 47:
		return 3
	default:
		return 5
	}
}

// buildCalendar creates the waves and decides the shift applied to historical dates: zero when Now
// is after the real calendar, negative when Now is too early for it (then the whole history moves
// back so that it still ends just before Now).
func (g *gen) buildCalendar() error {
	opens, quotas := waveCalendar()
	nominal := func(i int) int64 { o := opens[i]; return dayStart(ymd(o[0], o[1], o[2])) + 10*hour }
	tailOpen := func(number int) int64 {
		return dayStart(g.nowDate-tailOffsets[number-firstTailWave]) + 10*hour
	}
	g.shift = 0
	// Wave 66 (index 65) is the last wave at its real date.
	if t, last := tailOpen(firstTailWave), nominal(firstTailWave-2)+28*day; t < last {
		g.shift = t - last
	}
	g.waves = make([]wave, 72)
	for i := range g.waves {
		w := &g.waves[i]
		w.id = int64(i + 1)
		w.number = i + 1
		w.realQuota = quotas[i]
		if w.number >= firstTailWave {
			w.opens = tailOpen(w.number)
		} else {
			w.opens = nominal(i) + g.shift
		}
		openDate := dateOf(w.opens)
		w.closes = dayStart(openDate+openDays(w.number)-1) + 23*hour + 59*minute
		for _, s := range g.schemes {
			if w.number >= s.firstWave && (s.lastWave == 0 || w.number <= s.lastWave) {
				w.scheme = s
			}
		}
		if w.scheme == nil {
			return fmt.Errorf("no benefit scheme covers wave %d", w.number)
		}
		w.drawSeed = int64(mix(uint64(g.seed)^uint64(w.number)*0x51ED27) >> 1)
		if i == len(g.waves)-1 {
			w.status = "OPEN"
			w.drawSeed = 0
			continue
		}
		w.drawn = dayStart(dateOf(w.closes)+2) + 15*hour
		if w.drawn > g.now-365*day {
			w.status = "DRAWN"
		} else {
			w.status = "ARCHIVED"
		}
	}
	g.programStart = g.waves[0].opens - 22*day
	return nil
}

// real returns 00:00 WIB of a real calendar date, moved by the history shift.
func (g *gen) real(y, m, d int) int64 { return dayStart(ymd(y, m, d)) + g.shift }

// scaleQuotas distributes the selected people over the drawn waves in proportion to their real
// quotas (largest remainder), and scales every quota by the same factor.
func (g *gen) scaleQuotas(selected int) []int {
	drawn := len(g.waves) - 1
	total := 0
	for i := 0; i < drawn; i++ {
		total += g.waves[i].realQuota
	}
	assigned := make([]int, drawn)
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, drawn)
	sum := 0
	for i := 0; i < drawn; i++ {
		x := float64(selected) * float64(g.waves[i].realQuota) / float64(total)
		assigned[i] = int(math.Floor(x))
		sum += assigned[i]
		rems[i] = rem{i, x - math.Floor(x)}
	}
	// Largest fractional parts first; ties go to the later wave so that recent waves are never empty.
	for left := selected - sum; left > 0; left-- {
		best := -1
		for j := range rems {
			if rems[j].f < 0 {
				continue
			}
			if best < 0 || rems[j].f > rems[best].f || rems[j].f == rems[best].f && j > best {
				best = j
			}
		}
		assigned[rems[best].i]++
		rems[best].f = -1
	}
	scale := float64(selected) / float64(total)
	for i := range g.waves {
		q := int(math.Ceil(float64(g.waves[i].realQuota) * scale))
		if i < drawn && assigned[i] > q {
			q = assigned[i]
		}
		if q < 1 {
			q = 1
		}
		g.waves[i].quota = q
	}
	return assigned
}

// provinceQuotas gives some waves a quota per province: every fifth wave of 2022 and every wave of
// the normal scheme. A province's quota covers at least the people selected there, and together they
// stay within the wave's quota.
func (g *gen) provinceQuotas() {
	counts := make(map[int][]int)
	for i := range g.persons {
		p := &g.persons[i]
		if p.wave < 0 {
			continue
		}
		c := counts[p.wave]
		if c == nil {
			c = make([]int, len(g.provinces))
			counts[p.wave] = c
		}
		c[p.prov]++
	}
	share := g.provShare()
	for i := range g.waves {
		w := &g.waves[i]
		if !(w.number >= 23 && w.number <= 47 && w.number%5 == 0) && w.number < 48 {
			continue
		}
		// Each province's quota covers the people selected there plus its share of what the wave
		// left unfilled, so that the province quotas never add up to more than the wave's quota.
		c := counts[i]
		selected := 0
		for _, n := range c {
			selected += n
		}
		free := max(0, w.quota-selected)
		w.provQuota = make([]int, len(g.provinces))
		for pi := range g.provinces {
			q := int(math.Floor(float64(free) * share[pi]))
			if c != nil {
				q += c[pi]
			}
			w.provQuota[pi] = q // a zero quota is not written: that province shares the remainder
		}
	}
}
