package main

import (
	"fmt"
	"sort"
	"strings"
)

// querySpec is one query of the mix. The GraphQL text lives in bench/queries/<server>/<Name>.graphql;
// canon turns each server's data into the same text when both return the same facts.
type querySpec struct {
	Name      string
	Label     string
	Dashboard bool // one of the dashboard queries d–i: single-client goal 150 ms at 1M
	Catalogue bool // the catalogue search: single-client goal 10 ms
	OursOnly  bool
	canon     func(server string, data map[string]any) (canon string, summary string)
}

var mix = []querySpec{
	{Name: "a_participant", Label: "a. participant by id", canon: canonParticipant},
	{Name: "b_nested_page", Label: "b. 50 participants + enrollments→course→provider + incentives", canon: canonNested},
	{Name: "c_catalogue", Label: "c. catalogue search (title substring, mode, by price, 20)", Catalogue: true, canon: canonCatalogue},
	{Name: "d_totals", Label: "d. national totals", Dashboard: true, canon: canonTotals},
	{Name: "e_paid_by_month_province", Label: "e. PAID incentives by month × province, 2021", Dashboard: true, canon: canonPaidByMonth},
	{Name: "f_completion_by_category", Label: "f. completion rate by category", Dashboard: true, canon: canonCompletion},
	{Name: "g_participants_by_wave_status", Label: "g. participants by wave × status", Dashboard: true, canon: canonWaveStatus},
	{Name: "h_top_courses", Label: "h. top 10 courses by enrollments", Dashboard: true, canon: canonTopCourses},
	{Name: "i_paid_installments_province", Label: "i. count of PAID installments of province 32", Dashboard: true, canon: canonPaidCount},
	{Name: "j_nested_aggregates", Label: "j. 50 participants, each with enrollment and incentive totals and groups", canon: canonNestedAggregates},
	{Name: "k_keyset_first", Label: "k1. participants by id, first page of 50", OursOnly: true},
	{Name: "k_keyset_deep", Label: "k2. participants by id, page of 50 after a cursor deep in the list", OursOnly: true},
}

func specByName(name string) (querySpec, bool) {
	for _, q := range mix {
		if q.Name == name {
			return q, true
		}
	}
	return querySpec{}, false
}

// pick returns the field named ours or pgl depending on the server.
func pick(server, ours, pgl string) string {
	if server == "ours" {
		return ours
	}
	return pgl
}

func canonParticipant(server string, d map[string]any) (string, string) {
	p := get(d, pick(server, "participant", "participantByRowId"))
	if p == nil {
		return "null", "no participant"
	}
	prov := get(p, pick(server, "province", "provinceByProvinceCode"), "code")
	wave := get(p, pick(server, "wave", "waveByWaveId"), "number")
	var fields []string
	for _, f := range []string{"nik", "kkNumber", "fullName", "birthDate", "gender", "email", "phone", "education",
		"employmentStatus", "status", "cardNumber", "balance"} {
		fields = append(fields, str(get(p, f)))
	}
	fields = append(fields, str(prov), str(wave))
	return strings.Join(fields, "|"), fmt.Sprintf("%s, %s, balance %s", str(get(p, "fullName")), str(get(p, "status")), str(get(p, "balance")))
}

func canonNested(server string, d map[string]any) (string, string) {
	nodes := list(d, pick(server, "participants", "allParticipants"), "nodes")
	var lines []string
	ne, ni := 0, 0
	for _, n := range nodes {
		lines = append(lines, "P "+str(get(n, "nik"))+" "+str(get(n, "fullName"))+" "+str(get(n, "status"))+" "+str(get(n, "balance")))
		for _, e := range list(n, pick(server, "enrollments", "enrollmentsByParticipantId"), "nodes") {
			c := get(e, pick(server, "course", "courseByCourseId"))
			pr := get(c, pick(server, "provider", "providerByProviderId"))
			lines = append(lines, "  E "+str(get(e, "price"))+" "+str(get(e, "status"))+" "+str(get(c, "title"))+" "+
				str(get(c, "category"))+" "+str(get(c, "mode"))+" "+str(get(pr, "name")))
			ne++
		}
		for _, i := range list(n, pick(server, "incentives", "incentivesByParticipantId"), "nodes") {
			lines = append(lines, "  I "+str(get(i, "kind"))+" "+str(get(i, "sequence"))+" "+str(get(i, "amount"))+" "+
				str(get(i, "dueOn"))+" "+str(get(i, "status"))+" "+fmt.Sprint(get(i, "paidAt") != nil))
			ni++
		}
	}
	return strings.Join(lines, "\n"), fmt.Sprintf("%d participants, %d enrollments, %d incentives", len(nodes), ne, ni)
}

func canonCatalogue(server string, d map[string]any) (string, string) {
	conn := get(d, pick(server, "courses", "allCourses"))
	nodes := list(conn, "nodes")
	lines := []string{"total " + str(get(conn, "totalCount"))}
	for _, n := range nodes {
		lines = append(lines, str(get(n, "title"))+" | "+str(get(n, "mode"))+" | "+str(get(n, "minPrice"))+" | "+
			str(get(n, pick(server, "provider", "providerByProviderId"), "name")))
	}
	return strings.Join(lines, "\n"), fmt.Sprintf("%s matches, %d on the page", str(get(conn, "totalCount")), len(nodes))
}

func canonTotals(server string, d map[string]any) (string, string) {
	var v []string
	if server == "ours" {
		v = []string{str(get(d, "participants", "totalCount")),
			str(get(d, "enrollments", "totalCount")), str(get(d, "enrollments", "totalAmount")),
			str(get(d, "incentives", "totalCount")), str(get(d, "incentives", "totalAmount")),
			str(get(d, "paid", "totalCount")), str(get(d, "paid", "totalAmount"))}
	} else {
		v = []string{str(get(d, "allParticipants", "totalCount")),
			str(get(d, "allEnrollments", "totalCount")), str(get(d, "allEnrollments", "aggregates", "sum", "price")),
			str(get(d, "allIncentives", "totalCount")), str(get(d, "allIncentives", "aggregates", "sum", "amount")),
			str(get(d, "paid", "totalCount")), str(get(d, "paid", "aggregates", "sum", "amount"))}
	}
	return strings.Join(v, " "), fmt.Sprintf("%s participants, %s enrollments, %s incentives (%s paid)", v[0], v[1], v[3], v[5])
}

func canonPaidByMonth(server string, d map[string]any) (string, string) {
	var lines []string
	if server == "ours" {
		for _, g := range list(d, "incentives", "groups") {
			lines = append(lines, str(get(g, "key", "month"))+" "+str(get(g, "key", "province", "code"))+" "+
				str(get(g, "count"))+" "+str(get(g, "amount")))
		}
	} else {
		for _, g := range list(d, "allIncentives", "groupedAggregates") {
			k := list(g, "keys")
			month := str(k[0])
			if len(month) >= 7 {
				month = month[:7]
			}
			lines = append(lines, month+" "+str(k[1])+" "+str(get(g, "distinctCount", "rowId"))+" "+str(get(g, "sum", "amount")))
		}
	}
	return sortedLines(lines), fmt.Sprintf("%d groups", len(lines))
}

func canonCompletion(server string, d map[string]any) (string, string) {
	var lines []string
	if server == "ours" {
		for _, g := range list(d, "enrollments", "groups") {
			lines = append(lines, fmt.Sprintf("%s completed=%s rate=%.9f", str(get(g, "key", "category")),
				str(get(g, "completedCount")), num(get(g, "completionRate"))))
		}
	} else {
		notRefunded := map[string]float64{}
		for _, g := range list(d, "notRefunded", "groupedAggregates") {
			notRefunded[str(list(g, "keys")[0])] = num(get(g, "distinctCount", "rowId"))
		}
		for _, g := range list(d, "completed", "groupedAggregates") {
			cat := str(list(g, "keys")[0])
			done := num(get(g, "distinctCount", "rowId"))
			rate := 0.0
			if notRefunded[cat] > 0 {
				rate = done / notRefunded[cat]
			}
			lines = append(lines, fmt.Sprintf("%s completed=%s rate=%.9f", cat, str(get(g, "distinctCount", "rowId")), rate))
		}
	}
	return sortedLines(lines), fmt.Sprintf("%d categories", len(lines))
}

func canonWaveStatus(server string, d map[string]any) (string, string) {
	var lines []string
	if server == "ours" {
		for _, g := range list(d, "participants", "groups") {
			lines = append(lines, str(get(g, "key", "wave", "number"))+" "+str(get(g, "key", "status"))+" "+str(get(g, "count")))
		}
	} else {
		// Wave ids equal wave numbers in the seeded data (checked by the comparison itself).
		for _, g := range list(d, "allParticipants", "groupedAggregates") {
			k := list(g, "keys")
			lines = append(lines, str(k[0])+" "+str(k[1])+" "+str(get(g, "distinctCount", "rowId")))
		}
	}
	return sortedLines(lines), fmt.Sprintf("%d groups", len(lines))
}

func canonTopCourses(server string, d map[string]any) (string, string) {
	var lines []string
	for _, n := range list(d, pick(server, "courses", "allCourses"), "nodes") {
		lines = append(lines, str(get(n, "title"))+" | "+str(get(n, "enrollmentCount"))+" | "+
			str(get(n, pick(server, "provider", "providerByProviderId"), "name")))
	}
	top := ""
	if len(lines) > 0 {
		top = "top: " + lines[0]
	}
	return strings.Join(lines, "\n"), fmt.Sprintf("%d courses, %s", len(lines), top)
}

func canonPaidCount(server string, d map[string]any) (string, string) {
	v := str(get(d, pick(server, "incentives", "allIncentives"), "totalCount"))
	return v, v + " installments"
}

func canonNestedAggregates(server string, d map[string]any) (string, string) {
	var lines []string
	nodes, groups := list(d, pick(server, "participants", "allParticipants"), "nodes"), 0
	for _, n := range nodes {
		e := get(n, pick(server, "enrollments", "enrollmentsByParticipantId"))
		i := get(n, pick(server, "incentives", "incentivesByParticipantId"))
		var gs []string
		if server == "ours" {
			lines = append(lines, "P "+str(get(n, "nik"))+" E "+str(get(e, "totalCount"))+" "+str(get(e, "totalAmount"))+" I "+str(get(i, "totalAmount")))
			for _, g := range list(e, "groups") {
				gs = append(gs, "  E "+str(get(g, "key", "status"))+" "+str(get(g, "count"))+" "+str(get(g, "amount")))
			}
			for _, g := range list(i, "groups") {
				gs = append(gs, "  I "+str(get(g, "key", "kind"))+" "+str(get(g, "key", "status"))+" "+str(get(g, "count"))+" "+str(get(g, "amount")))
			}
		} else {
			lines = append(lines, "P "+str(get(n, "nik"))+" E "+str(get(e, "totalCount"))+" "+str(get(e, "aggregates", "sum", "price"))+
				" I "+str(get(i, "aggregates", "sum", "amount")))
			for _, g := range list(e, "groupedAggregates") {
				k := list(g, "keys")
				gs = append(gs, "  E "+str(k[0])+" "+str(get(g, "distinctCount", "rowId"))+" "+str(get(g, "sum", "price")))
			}
			for _, g := range list(i, "groupedAggregates") {
				k := list(g, "keys")
				gs = append(gs, "  I "+str(k[0])+" "+str(k[1])+" "+str(get(g, "distinctCount", "rowId"))+" "+str(get(g, "sum", "amount")))
			}
		}
		sort.Strings(gs) // PostGraphile returns groups in no defined order
		lines = append(lines, gs...)
		groups += len(gs)
	}
	return strings.Join(lines, "\n"), fmt.Sprintf("%d participants, %d groups", len(nodes), groups)
}
