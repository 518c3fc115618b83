package seed

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

const (
	numProviders = 200
	numCourses   = 2000
)

// buildCatalog creates the platforms, providers, courses with their listings and venues, and the
// indexes used to pick a course for a purchase. The catalogue does not depend on the number of
// participants.
func (g *gen) buildCatalog() {
	r := newRNG(g.seed, 1)
	for i, f := range platformFacts {
		joined := dateOf(g.real(f.y, f.m, f.d))
		g.platforms = append(g.platforms, platform{id: int64(i + 1), code: f.code, name: f.name, website: f.website, joined: joined, weight: f.weight})
	}
	g.buildProviders(r)
	g.buildCourses(r)
	g.buildPools()
}

func (g *gen) provIndex(code string) int {
	for i := range g.provinces {
		if g.provinces[i].code == code {
			return i
		}
	}
	return 0
}

func (g *gen) buildProviders(r rng) {
	names := map[string]bool{}
	add := func(p provider) {
		names[p.name] = true
		if p.regency < 0 {
			p.regency = r.IntN(len(g.provinces[p.prov].regencies))
		}
		p.id = int64(len(g.providers) + 1)
		g.providers = append(g.providers, p)
	}
	launch := g.real(2020, 3, 20)
	offlineEra := g.real(2022, 6, 1)
	latest := g.now - 60*day
	when := func(from int64) int64 { return r.between(minI64(from, latest), latest) }
	// Jakarta hosts most private providers.
	pw := make([]float64, len(g.provinces))
	for i, p := range g.provinces {
		pw[i] = provinceData[p.code].weight
		if p.code == "31" {
			pw[i] *= 6
		}
		if _, split := papuaSplit[p.code]; split {
			pw[i] = 0
		}
	}
	provW := newWeighted(pw)
	catW := make([]float64, len(categories))
	for i, c := range categories {
		catW[i] = c.weight
	}
	cw := newWeighted(catW)
	workshopCats := []int{}
	for i, c := range categories {
		if c.workshop {
			workshopCats = append(workshopCats, i)
		}
	}
	officeCats := []int{}
	for i, c := range categories {
		switch c.name {
		case "Keuangan", "Manajemen", "Teknologi Informasi", "Logistik", "Administrasi Perkantoran", "Kewirausahaan":
			officeCats = append(officeCats, i)
		}
	}
	someCats := func(from []int, n int) []int {
		var out []int
		for len(out) < n {
			var c int
			if from == nil {
				c = cw.pick(r)
			} else {
				c = pick(r, from)
			}
			dup := false
			for _, x := range out {
				dup = dup || x == c
			}
			if !dup {
				out = append(out, c)
			}
		}
		return out
	}
	nib := func() uint64 {
		return 9120000000000 + permute(uint64(len(g.providers)), 10000000000, 7654321, uint64(g.seed)%1000003)
	}

	for _, gp := range governmentProviders {
		from := offlineEra
		if strings.HasPrefix(gp.name, "Pusat") {
			from = launch
		}
		add(provider{name: gp.name, kind: "GOVERNMENT", prov: g.provIndex(gp.province), regency: -1, created: when(from), cats: someCats(workshopCats, 3)})
	}
	for _, name := range stateOwned {
		add(provider{name: name, kind: "STATE_OWNED", nib: nib(), prov: g.provIndex("31"), regency: -1, created: when(launch), cats: someCats(officeCats, 2)})
	}
	// Vocational training centres (balai latihan kerja) of regencies and cities.
	for n := 0; n < 22; n++ {
		pi := provW.pick(r)
		regs := g.provinces[pi].regencies
		ri := r.IntN(len(regs))
		name := "UPTD Balai Latihan Kerja " + regs[ri].name
		if names[name] {
			continue
		}
		add(provider{name: name, kind: "BLK", prov: pi, regency: ri, created: when(offlineEra), cats: someCats(workshopCats, 3)})
	}
	for _, b := range providerBrands {
		created := launch + r.between(0, 20*day)
		add(provider{name: b, kind: "PRIVATE", nib: nib(), prov: g.provIndex("31"), regency: -1, created: created, cats: someCats(nil, 2+r.IntN(2))})
	}
	for len(g.providers) < numProviders {
		var name string
		switch x := r.Float64(); {
		case x < 0.45:
			name = fmt.Sprintf("PT %s %s %s", pick(r, providerWordsA), pick(r, providerWordsB), pick(r, providerWordsC))
		case x < 0.8:
			name = fmt.Sprintf("LKP %s %s", pick(r, providerWordsA), pick(r, providerWordsB))
		default:
			name = fmt.Sprintf("Yayasan %s %s", pick(r, providerWordsA), pick(r, providerWordsB))
		}
		if names[name] {
			continue
		}
		var created int64
		if r.chance(0.55) {
			created = launch + r.between(0, 20*day)
		} else {
			created = when(launch)
		}
		add(provider{name: name, kind: "PRIVATE", nib: nib(), prov: provW.pick(r), regency: -1, created: created, cats: someCats(nil, 1+r.IntN(3))})
	}
	sort.SliceStable(g.providers, func(i, j int) bool { return g.providers[i].created < g.providers[j].created })
	for i := range g.providers {
		g.providers[i].id = int64(i + 1)
	}
}

// semiPrices are the round prices of the semi-bansos era; their mean is close to the Rp472k
// average of December 2021.
var semiPrices = []struct {
	price  int64
	weight float64
}{
	{100000, 4}, {150000, 5}, {200000, 10}, {250000, 8}, {300000, 10}, {350000, 8}, {400000, 8},
	{450000, 6}, {500000, 12}, {550000, 5}, {600000, 6}, {700000, 5}, {800000, 6}, {900000, 3}, {1000000, 6},
}

func (g *gen) buildCourses(r rng) {
	launch := g.real(2020, 3, 20)
	y2021, y2022, y2023 := g.real(2021, 1, 1), g.real(2022, 1, 1), g.real(2023, 1, 1)
	last := g.now - 30*day
	spw := make([]float64, len(semiPrices))
	for i, s := range semiPrices {
		spw[i] = s.weight
	}
	semiW := newWeighted(spw)
	platW := make([]float64, len(g.platforms))
	provW := make([]float64, len(g.provinces))
	for i, p := range g.provinces {
		provW[i] = provinceData[p.code].weight
	}
	venueProv := newWeighted(provW)
	titles := map[string]bool{}
	for n := 0; n < numCourses; n++ {
		var created int64
		switch x := r.Float64(); {
		case x < 0.45:
			created = r.between(launch, y2021)
		case x < 0.65:
			created = r.between(y2021, y2022)
		case x < 0.80:
			created = r.between(y2022, y2023)
		default:
			created = r.between(y2023, last)
		}
		created = minI64(created, last)
		// A provider that existed then.
		np := sort.Search(len(g.providers), func(i int) bool { return g.providers[i].created > created })
		if np == 0 {
			np = 1
		}
		pi := r.IntN(np)
		pv := &g.providers[pi]
		if pv.created > created {
			created = pv.created + day
		}
		cat := pick(r, pv.cats)
		public := pv.kind == "BLK" || pv.kind == "GOVERNMENT"
		var mode uint8
		x := r.Float64()
		switch {
		case created < y2022:
			mode = modeSelfPaced
			if x < 0.3 {
				mode = modeWebinar
			}
		case created < y2023:
			switch {
			case public && x < 0.7 || !public && x < 0.15:
				mode = modeOffline
			case x < 0.85:
				mode = modeSelfPaced
			default:
				mode = modeWebinar
			}
		default:
			switch {
			case public && x < 0.6 || !public && x < 0.32:
				mode = modeOffline
			case public && x < 0.85 || !public && x < 0.5:
				mode = modeHybrid
			case x < 0.75:
				mode = modeSelfPaced
			default:
				mode = modeWebinar
			}
		}
		var hours int
		if created < y2023 {
			switch mode {
			case modeSelfPaced:
				hours = 2 + r.IntN(9)
			case modeWebinar:
				hours = 4 + r.IntN(13)
			default:
				hours = 8 + r.IntN(17)
			}
		} else {
			switch mode {
			case modeSelfPaced:
				hours = 15 + r.IntN(16)
			case modeWebinar:
				hours = 15 + r.IntN(22)
			case modeHybrid:
				hours = 20 + r.IntN(29)
			default:
				hours = 24 + r.IntN(57)
				if pv.kind == "BLK" {
					hours = 40 + r.IntN(81)
				}
			}
		}
		c := course{id: int64(n + 1), provider: pi, cat: cat, mode: mode, hours: hours, created: created}
		c.title, c.desc = g.courseTitle(r, cat, titles)
		c.pop = math.Pow(1-r.Float64(), -0.8) // Pareto: a few courses sell most seats
		// Schedule of runs.
		switch mode {
		case modeWebinar:
			c.hoursPerDay = 2 + r.IntN(2)
			c.period = 7 * day
			c.startHour = []int64{9, 13, 19}[r.IntN(3)] * hour
		case modeHybrid:
			c.hoursPerDay = 6
			c.startHour = 8 * hour
		case modeOffline:
			c.hoursPerDay = 6 + r.IntN(3)
			c.startHour = 8 * hour
		}
		if mode == modeOffline || mode == modeHybrid {
			// Runs at one venue never overlap: every two weeks, or more for long courses.
			days := int64((hours + c.hoursPerDay - 1) / c.hoursPerDay)
			c.period = max(14, 7*((days+7)/7)) * day
		}
		d := dateOf(created) + 3
		for weekday(d) != 1 {
			d++
		}
		c.epoch = dayStart(d) + c.startHour
		// Venues for face-to-face runs: the provider's province first.
		if mode == modeOffline || mode == modeHybrid {
			nv := 1 + r.IntN(3)
			seen := map[int]bool{}
			for v := 0; v < nv; v++ {
				prov := pv.prov
				if v > 0 {
					prov = venueProv.pick(r)
				}
				if seen[prov] {
					continue
				}
				seen[prov] = true
				v := g.makeVenue(r, pv, cat, prov)
				dup := false
				for _, o := range c.venues {
					dup = dup || o.name == v.name
				}
				if !dup {
					c.venues = append(c.venues, v)
				}
			}
		}
		// Listings on one to four platforms that had joined.
		var base int64
		if created < y2023 {
			base = semiPrices[semiW.pick(r)].price
		} else {
			band := map[uint8][2]float64{
				modeSelfPaced: {500000, 1500000}, modeWebinar: {700000, 2000000},
				modeHybrid: {1500000, 3000000}, modeOffline: {1500000, 3500000},
			}[mode]
			lo, hi := band[0], band[1]
			base = roundTo(lo+(hi-lo)*r.Float64()*r.Float64()*1.3, 50000)
			base = max(int64(lo), min(base, int64(hi)))
		}
		cap := int64(1000000)
		if created >= y2023 {
			cap = 3500000
		}
		for i := range g.platforms {
			platW[i] = 0
			if dayStart(g.platforms[i].joined) <= last {
				platW[i] = g.platforms[i].weight
			}
		}
		nl := []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 4}[r.IntN(10)]
		cl := newWeighted(platW)
		for len(c.listings) < nl {
			pl := cl.pick(r)
			if platW[pl] == 0 {
				break
			}
			platW[pl] = 0
			cl = newWeighted(platW)
			price := base
			if r.chance(0.4) {
				price = min(cap, roundTo(float64(base)*(0.9+0.2*r.Float64()), 1000))
			}
			listed := maxI64(created, dayStart(g.platforms[pl].joined)+10*hour) + r.between(0, 5*day)
			g.listings = append(g.listings, listing{id: int64(len(g.listings) + 1), course: int32(n), platform: int32(pl), price: price, listed: listed})
			c.listings = append(c.listings, int32(len(g.listings)-1))
			if c.minPrice == 0 || price < c.minPrice {
				c.minPrice = price
			}
		}
		g.courses = append(g.courses, c)
	}
}

func (g *gen) courseTitle(r rng, cat int, seen map[string]bool) (string, string) {
	c := &categories[cat]
	var title, topic string
	for try := 0; try < 30; try++ {
		topic = pick(r, c.topics)
		if r.chance(0.75) {
			title = fmt.Sprintf(pick(r, topicTemplates), topic)
		} else {
			title = fmt.Sprintf(pick(r, roleTemplates), topic, pick(r, c.roles))
		}
		if !seen[title] {
			break
		}
	}
	for n := 2; seen[title]; n++ {
		title = fmt.Sprintf("%s (Angkatan %d)", strings.TrimSuffix(title, fmt.Sprintf(" (Angkatan %d)", n-1)), n)
	}
	seen[title] = true
	desc := fmt.Sprintf(pick(r, descTemplates), strings.ToLower(topic))
	return title, desc
}

// workshopNames name the hands-on venues of a category.
var workshopNames = map[string]string{
	"Otomotif": "Bengkel Pelatihan", "Kuliner": "Dapur Praktik", "Fashion": "Studio Jahit",
	"Kecantikan": "Studio Kecantikan", "Manufaktur": "Workshop Teknik", "Konstruksi": "Workshop Konstruksi",
	"Pertanian": "Kebun Praktik", "Perawatan Kesehatan": "Laboratorium Praktik",
}

func (g *gen) makeVenue(r rng, pv *provider, cat int, prov int) venue {
	regs := g.provinces[prov].regencies
	rg := pick(r, regs)
	if prov == pv.prov {
		rg = regs[pv.regency]
	}
	short := strings.TrimPrefix(strings.TrimPrefix(rg.name, "Kota "), "Kabupaten ")
	v := venue{prov: prov, regency: rg.name}
	owner := strings.TrimPrefix(strings.TrimPrefix(pv.name, "PT "), "UPTD ")
	switch {
	case pv.kind == "BLK" && prov == pv.prov:
		v.typ, v.name = venueBLK, owner
	case pv.kind == "BLK" || pv.kind == "GOVERNMENT" && r.chance(0.7):
		v.typ, v.name = venueBLK, "UPTD Balai Latihan Kerja "+rg.name
	case categories[cat].workshop && r.chance(0.7):
		v.typ = venueWorkshop
		v.name = fmt.Sprintf("%s %s, %s", workshopNames[categories[cat].name], owner, short)
	default:
		v.typ = venueClassroom
		v.name = fmt.Sprintf("Ruang Kelas %s, %s %s", owner, pick(r, []string{"Gedung Graha", "Wisma", "Gedung Serbaguna", "Balai Pertemuan", "Gedung"}), short)
	}
	return v
}

// coursePool is a list of courses (and venue streams) ordered by when they can first be bought.
type coursePool struct {
	course []int32
	stream []uint8
	avail  []int64
}

func (p *coursePool) add(c int32, s uint8, at int64) {
	p.course = append(p.course, c)
	p.stream = append(p.stream, s)
	p.avail = append(p.avail, at)
}

func (p *coursePool) sort() {
	idx := make([]int, len(p.course))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p.avail[idx[a]] < p.avail[idx[b]] })
	c, s, a := make([]int32, len(idx)), make([]uint8, len(idx)), make([]int64, len(idx))
	for i, j := range idx {
		c[i], s[i], a[i] = p.course[j], p.stream[j], p.avail[j]
	}
	p.course, p.stream, p.avail = c, s, a
}

// upTo returns how many entries can be bought at time t.
func (p *coursePool) upTo(t int64) int {
	return sort.Search(len(p.avail), func(i int) bool { return p.avail[i] > t })
}

func (g *gen) buildPools() {
	g.offline = make([]coursePool, len(g.provinces))
	for ci := range g.courses {
		c := &g.courses[ci]
		avail := int64(math.MaxInt64)
		for _, li := range c.listings {
			avail = minI64(avail, g.listings[li].listed)
		}
		switch c.mode {
		case modeWebinar, modeSelfPaced:
			g.online.add(int32(ci), 0, avail)
			if c.hours >= 15 {
				g.onlineLong.add(int32(ci), 0, avail)
			}
		default:
			for s, v := range c.venues {
				g.offline[v.prov].add(int32(ci), uint8(s), avail)
			}
		}
	}
	g.online.sort()
	g.onlineLong.sort()
	for i := range g.offline {
		g.offline[i].sort()
	}
}
