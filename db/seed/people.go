package seed

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// selectedShare is the share of generated people who were selected in some wave; the rest stay
// REGISTERED (not selected yet, or never applied).
const selectedShare = 0.88

// buildPeople creates every person: when they registered, which waves they applied to and which
// (if any) selected them, and their identity (NIK, KK, name, contact, profile).
func (g *gen) buildPeople() {
	r := newRNG(g.seed, 2)
	n := g.n
	selected := int(float64(n)*selectedShare + 0.5)
	if selected > n {
		selected = n
	}
	assigned := g.scaleQuotas(selected)
	open := len(g.waves) - 1
	g.persons = make([]person, 0, n)
	for w, k := range assigned {
		for range k {
			p := person{wave: w, firstApp: -1, regWave: -1}
			g.registerSelected(r, &p)
			g.persons = append(g.persons, p)
		}
	}
	// Registered-only people choose among past waves in proportion to their quotas.
	qw := make([]float64, open)
	for i := 0; i < open; i++ {
		qw[i] = float64(g.waves[i].realQuota)
	}
	pastW := newWeighted(qw)
	for len(g.persons) < n {
		p := person{wave: -1, firstApp: -1, regWave: -1}
		switch x := r.Float64(); {
		case x < 0.40:
			p.regApp, p.regWave = 1, open
			ow := &g.waves[open]
			if r.chance(0.7) {
				p.registered = r.between(ow.opens, g.now-10*minute)
			} else {
				p.registered = r.between(g.programStart, ow.opens)
			}
		case x < 0.83:
			p.regApp, p.regWave = 2, pastW.pick(r)
			if x >= 0.80 {
				p.regApp = 3
			}
			w := &g.waves[p.regWave]
			p.registered = r.between(maxI64(g.programStart, w.opens-20*day), w.closes-2*hour)
		default:
			p.registered = r.between(g.programStart, g.now-hour)
		}
		g.persons = append(g.persons, p)
	}
	// Ids follow registration time. Sort an index, not the (large) structs.
	order := make([]int32, len(g.persons))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(g.persons[a].registered, g.persons[b].registered) })
	sorted := make([]person, len(g.persons))
	for i, j := range order {
		sorted[i] = g.persons[j]
	}
	g.persons = sorted
	g.identities(r)
	g.applications(r)
}

// registerSelected decides when a person later selected in p.wave registered, and whether they
// had applied to an earlier wave without being selected.
func (g *gen) registerSelected(r rng, p *person) {
	w := &g.waves[p.wave]
	if p.wave > 0 && r.chance(0.35) {
		j := p.wave - 1 - r.IntN(min(p.wave, 6))
		p.firstApp = j
		e := &g.waves[j]
		p.registered = r.between(maxI64(g.programStart, e.opens-20*day), e.closes-2*hour)
		return
	}
	if r.chance(0.65) {
		p.registered = r.between(w.opens, w.closes-2*hour)
	} else {
		p.registered = r.between(maxI64(g.programStart, w.opens-60*day), w.opens)
	}
}

// identities gives every person, in id order, a NIK, a family card, a name and a profile. About one
// person in twelve shares a family card with an earlier person; never three on one card.
func (g *gen) identities(r rng) {
	usedNIK := make(map[uint64]struct{}, len(g.persons))
	usedKK := make(map[uint64]struct{}, len(g.persons))
	pools := make([][]int32, len(g.provinces)) // open households per province
	split := g.real(2022, 11, 11)
	n := len(g.persons)
	d := max(4, digits(n)+1)
	emailMod := pow10(d)
	eduW := newWeighted([]float64{8, 14, 38, 16, 6, 16, 2})
	emp2020 := newWeighted([]float64{30, 22, 12, 14, 12, 10})
	empLater := newWeighted([]float64{42, 8, 3, 17, 15, 15})
	y2021 := g.real(2021, 1, 1)
	domains := []string{"gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com",
		"gmail.com", "yahoo.com", "yahoo.co.id", "outlook.com", "ymail.com", "icloud.com", "hotmail.com"}
	operators := []string{"11", "12", "13", "21", "22", "52", "53", "14", "15", "16", "56", "57", "17", "18", "19", "59", "77", "78", "31", "32", "38", "95", "96", "97", "98", "99", "81", "82", "85", "88"}
	for i := range g.persons {
		p := &g.persons[i]
		p.id = int64(i + 1)
		preSplit := p.registered < split
		var partner *person
		if r.chance(0.09) {
			// Join an open household of a province, if any.
			pi := g.pickProvince(r, preSplit)
			if pool := pools[pi]; len(pool) > 0 {
				partner = &g.persons[pool[len(pool)-1]]
				pools[pi] = pool[:len(pool)-1]
			}
		}
		if partner != nil {
			partner.hh = 2
			p.prov, p.region, p.district, p.kk = partner.prov, partner.region, partner.district, partner.kk
			p.female = !partner.female
			if r.chance(0.4) {
				p.female = partner.female // siblings
			}
		} else {
			p.prov = g.pickProvince(r, preSplit)
			regs := g.provinces[p.prov].regencies
			p.region = r.IntN(len(regs))
			p.district = 1 + r.IntN(6+int(mix(uint64(regs[p.region].code))%14))
			p.female = r.chance(0.5)
		}
		regDate := time.Unix(p.registered+wibOff, 0).UTC()
		var age int
		switch x := r.Float64(); {
		case x < 0.70:
			age = 18 + r.IntN(18)
		case x < 0.95:
			age = 36 + r.IntN(15)
		default:
			age = 51 + r.IntN(14)
		}
		birth := time.Date(regDate.Year(), regDate.Month(), regDate.Day(), 0, 0, 0, 0, time.UTC).AddDate(-age, 0, -1-r.IntN(364))
		p.birth = int32(birth.Unix() / day)
		// NIK: PP RR DD, birth date (day + 40 for women), serial.
		pcode, _ := strconv.Atoi(g.provinces[p.prov].code)
		rr := uint64(g.provinces[p.prov].regencies[p.region].code % 100)
		dd := uint64(birth.Day())
		if p.female {
			dd += 40
		}
		area := uint64(pcode)*10000 + rr*100 + uint64(p.district)
		born := dd*10000 + uint64(birth.Month())*100 + uint64(birth.Year()%100)
		serial := uint64(1 + r.IntN(40))
		for {
			nik := area*1e10 + born*1e4 + serial
			if _, dup := usedNIK[nik]; !dup {
				usedNIK[nik] = struct{}{}
				p.nik = nik
				break
			}
			serial++
			if serial > 9999 { // practically unreachable: move to the next district
				serial = 1
				p.district = p.district%99 + 1
				area = uint64(pcode)*10000 + rr*100 + uint64(p.district)
			}
		}
		// Family card: area, issue date, serial.
		if partner == nil {
			p.hh = 1
			g.households++
			from := birth.AddDate(17, 0, 0)
			if lo := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC); from.Before(lo) {
				from = lo
			}
			span := int(regDate.Sub(from).Hours() / 24)
			issued := from.AddDate(0, 0, r.IntN(max(span, 1)))
			for {
				kk := area*1e10 + uint64(issued.Day())*1e8 + uint64(issued.Month())*1e6 + uint64(issued.Year()%100)*1e4 + uint64(1+r.IntN(9999))
				if _, dup := usedKK[kk]; !dup {
					usedKK[kk] = struct{}{}
					p.kk = kk
					break
				}
			}
			if r.chance(0.12) {
				pool := pools[p.prov]
				if len(pool) >= 8 {
					pool = pool[1:]
				}
				pools[p.prov] = append(pool, int32(i))
			}
		}
		var given string
		p.name, given, p.surname = g.personName(r, p, partner)
		p.email = emailLocal(given, p.surname, r) + strconv.FormatUint(permute(uint64(p.id), emailMod, 104729, uint64(g.seed)%emailMod), 10) + "@" + pick(r, domains)
		p.phone = "08" + pick(r, operators) + pad8(permute(uint64(p.id), 1e8, 7919, uint64(g.seed)%1e8))
		p.edu = uint8(eduW.pick(r))
		if age < 21 && p.edu >= 4 {
			p.edu = 2 + uint8(r.IntN(2))
		}
		if p.registered < y2021 {
			p.emp = uint8(emp2020.pick(r))
		} else {
			p.emp = uint8(empLater.pick(r))
		}
	}
}

func pad8(v uint64) string {
	s := strconv.FormatUint(v, 10)
	return strings.Repeat("0", 8-len(s)) + s
}

// pickProvince draws a province by population weight; before the November 2022 split of Papua the
// new provinces' people carry the old codes.
func (g *gen) pickProvince(r rng, preSplit bool) int {
	if preSplit {
		return g.provPre.pick(r)
	}
	return g.provPost.pick(r)
}

// personName builds a realistic Indonesian name for the person's region and gender. It returns the
// full name, the given name and the surname-like last part (possibly empty).
func (g *gen) personName(r rng, p *person, partner *person) (full, given, surname string) {
	code := g.provinces[p.prov].code
	f := p.female
	choose := func(m, w []string) string {
		if f {
			return pick(r, w)
		}
		return pick(r, m)
	}
	family := ""
	if partner != nil && partner.surname != "" && r.chance(0.7) {
		family = partner.surname // shared clan or family name
	}
	switch code {
	case "51":
		if f {
			given = pick(r, baliFemPre) + " " + pick(r, baliFemName)
		} else {
			given = pick(r, baliMalePre) + " " + pick(r, baliMaleName)
		}
		if r.chance(0.4) {
			surname = choose(maleSurname, femaleSurname)
		}
	case "12":
		given = choose(maleGiven, femaleGiven)
		if r.chance(0.35) {
			given = choose(christianM, christianF)
		}
		if r.chance(0.65) {
			surname = pick(r, bataks)
		} else if r.chance(0.5) {
			surname = choose(maleSurname, femaleSurname)
		}
	case "71":
		given, surname = choose(christianM, christianF), pick(r, minahasa)
	case "81":
		given, surname = choose(christianM, christianF), pick(r, maluku)
		if r.chance(0.4) {
			given = choose(maleGiven, femaleGiven)
		}
	case "53":
		given, surname = choose(christianM, christianF), pick(r, nttNames)
	case "91", "92", "93", "94", "95", "96":
		given, surname = choose(christianM, christianF), pick(r, papuaNames)
		if r.chance(0.3) {
			given, surname = choose(maleGiven, femaleGiven), choose(maleSurname, femaleSurname)
		}
	default:
		sunda := code == "32" || code == "36"
		switch x := r.Float64(); {
		case x < 0.14 && (code == "33" || code == "34" || code == "35"):
			given = choose(javaneseSingle, javaneseSingleF) // a single Javanese name
		case sunda && x < 0.3:
			given, surname = choose(sundaMale, sundaFemale), choose(maleSurname, femaleSurname)
		case x < 0.26:
			if f {
				given = "Siti " + pick(r, femaleGiven)
			} else {
				given = "Muhammad " + pick(r, maleGiven)
			}
			if r.chance(0.6) {
				surname = choose(maleSurname, femaleSurname)
			}
		case x < 0.45:
			given = choose(maleGiven, femaleGiven) + " " + choose(maleGiven, femaleGiven)
			surname = choose(maleSurname, femaleSurname)
		default:
			given, surname = choose(maleGiven, femaleGiven), choose(maleSurname, femaleSurname)
		}
	}
	if family != "" {
		surname = family
	}
	// Avoid echoes such as "Fitri Fitriani".
	if words := strings.Fields(given); surname != "" && strings.HasPrefix(surname, words[len(words)-1]) {
		surname = ""
	}
	full = given
	if surname != "" && !strings.HasSuffix(given, " "+surname) && given != surname {
		full += " " + surname
	}
	return full, given, surname
}

// emailLocal builds the letters of an e-mail address from a name; the caller appends digits that
// make the address unique.
func emailLocal(given, surname string, r rng) string {
	g := strings.Fields(strings.ToLower(given))
	first := g[0]
	switch first {
	case "muhammad", "siti", "i", "ni":
		first = g[len(g)-1]
	}
	s := strings.ToLower(surname)
	var b strings.Builder
	b.WriteString(asciiOnly(first))
	if s != "" {
		switch r.IntN(3) {
		case 0:
			b.WriteByte('.')
			b.WriteString(asciiOnly(s))
		case 1:
			b.WriteString(asciiOnly(s))
		}
	}
	return b.String()
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "peserta"
	}
	return b.String()
}

// applications records every person's wave applications: the earlier unsuccessful one, the one
// that selected them, or, for registered-only people, their application to the open wave or a
// past one.
func (g *gen) applications(r rng) {
	add := func(pi int, w int, status uint8) {
		p := &g.persons[pi]
		wv := &g.waves[w]
		a := application{wave: int32(w), person: int32(pi), status: status}
		lo := maxI64(p.registered+5*minute, wv.opens)
		hi := wv.closes - hour
		if status == apApplied {
			hi = minI64(hi, g.now-minute)
		}
		a.applied = r.between(lo, hi)
		if status != apApplied {
			a.decided = wv.drawn
		}
		g.apps = append(g.apps, a)
		wv.applicants++
		if status == apSelected {
			wv.selected++
		}
	}
	for i := range g.persons {
		p := &g.persons[i]
		if p.wave >= 0 {
			if p.firstApp >= 0 {
				add(i, p.firstApp, apNotSelected)
			}
			add(i, p.wave, apSelected)
			continue
		}
		switch p.regApp {
		case 1:
			add(i, p.regWave, apApplied)
		case 2:
			add(i, p.regWave, apNotSelected)
		case 3:
			add(i, p.regWave, apIneligible)
		}
	}
}
