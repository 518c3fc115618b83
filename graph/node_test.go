package graph_test

import (
	"fmt"
	"testing"
)

// TestNodeRoundTrip fetches one entity of every type, then resolves its ID through node and nodes.
func TestNodeRoundTrip(t *testing.T) {
	a := mustAPI(t)
	var data struct {
		BenefitSchemes []connNode `json:"benefitSchemes"`
		Provinces      []connNode `json:"provinces"`
		Platforms      []connNode `json:"platforms"`
		Waves          connResult `json:"waves"`
		Providers      connResult `json:"providers"`
		Courses        struct {
			Nodes []struct {
				ID       string     `json:"id"`
				Listings []connNode `json:"listings"`
			} `json:"nodes"`
		} `json:"courses"`
		TrainingSessions connResult `json:"trainingSessions"`
		Participants     struct {
			Nodes []struct {
				ID             string     `json:"id"`
				PayoutAccounts []connNode `json:"payoutAccounts"`
				Placements     []connNode `json:"placements"`
				Enrollments    struct {
					Nodes []struct {
						ID          string    `json:"id"`
						Certificate *connNode `json:"certificate"`
						Review      *connNode `json:"review"`
					} `json:"nodes"`
				} `json:"enrollments"`
				Incentives struct {
					Nodes []struct {
						ID       string     `json:"id"`
						Payments []connNode `json:"payments"`
					} `json:"nodes"`
				} `json:"incentives"`
			} `json:"nodes"`
		} `json:"participants"`
	}
	a.query(`{
		benefitSchemes { id } provinces { id } platforms { id }
		waves(first: 1) { nodes { id } } providers(first: 1) { nodes { id } }
		courses(first: 5) { nodes { id listings { id } } }
		trainingSessions(first: 1) { nodes { id } }
		participants(first: 100, filter: {status: [COMPLETED, ACTIVE]}) { nodes {
			id payoutAccounts { id } placements { id }
			enrollments(first: 5, filter: {status: COMPLETED}) { nodes { id certificate { id } review { id } } }
			incentives(first: 5) { nodes { id payments { id } } }
		} }
	}`, nil, &data)

	ids := map[string]string{}
	add := func(typ string, n *connNode) {
		if n != nil && ids[typ] == "" {
			ids[typ] = n.ID
		}
	}
	add("BenefitScheme", &data.BenefitSchemes[0])
	add("Province", &data.Provinces[0])
	add("Platform", &data.Platforms[0])
	add("Wave", &data.Waves.Nodes[0])
	add("Provider", &data.Providers.Nodes[0])
	add("Course", &connNode{data.Courses.Nodes[0].ID})
	add("CourseListing", &data.Courses.Nodes[0].Listings[0])
	add("TrainingSession", &data.TrainingSessions.Nodes[0])
	for _, p := range data.Participants.Nodes {
		add("Participant", &connNode{p.ID})
		for i := range p.PayoutAccounts {
			add("PayoutAccount", &p.PayoutAccounts[i])
		}
		for i := range p.Placements {
			add("Placement", &p.Placements[i])
		}
		for _, e := range p.Enrollments.Nodes {
			add("Enrollment", &connNode{e.ID})
			add("Certificate", e.Certificate)
			add("Review", e.Review)
		}
		for _, i := range p.Incentives.Nodes {
			add("Incentive", &connNode{i.ID})
			for j := range i.Payments {
				add("Payment", &i.Payments[j])
			}
		}
	}
	types := []string{"BenefitScheme", "Province", "Platform", "Wave", "Provider", "Course", "CourseListing",
		"TrainingSession", "Participant", "PayoutAccount", "Placement", "Enrollment", "Certificate", "Review",
		"Incentive", "Payment"}
	var all []string
	for _, typ := range types {
		id := ids[typ]
		if id == "" {
			t.Fatalf("the seeded data gave no %s to resolve", typ)
		}
		all = append(all, id)
		t.Run(typ, func(t *testing.T) {
			var got struct {
				Node *struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
				} `json:"node"`
			}
			a.query(`query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}, &got)
			if got.Node == nil || got.Node.Typename != typ || got.Node.ID != id {
				t.Fatalf("node(%s) = %+v, want a %s with the same id", id, got.Node, typ)
			}
		})
	}
	// nodes keeps the order of its IDs and answers null for a well-formed ID that names nothing.
	missing := gid("Participant", 999999999)
	var got struct {
		Nodes []*struct {
			Typename string `json:"__typename"`
			ID       string `json:"id"`
		} `json:"nodes"`
	}
	a.query(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": append(all, missing)}, &got)
	if len(got.Nodes) != len(all)+1 {
		t.Fatalf("nodes returned %d entries, want %d", len(got.Nodes), len(all)+1)
	}
	for i, id := range all {
		if got.Nodes[i] == nil || got.Nodes[i].ID != id || got.Nodes[i].Typename != types[i] {
			t.Errorf("nodes[%d] = %+v, want %s %s", i, got.Nodes[i], types[i], id)
		}
	}
	if got.Nodes[len(all)] != nil {
		t.Errorf("nodes[%d] for a missing participant = %+v, want null", len(all), got.Nodes[len(all)])
	}
}

// TestRootLookups checks the single-entity root fields.
func TestRootLookups(t *testing.T) {
	a := mustAPI(t)
	var nik, certNumber, title string
	var pid, courseID, providerID, sessionID int64
	if err := a.db.NewRaw(`SELECT id, nik FROM participants ORDER BY id DESC LIMIT 1`).Scan(t0, &pid, &nik); err != nil {
		t.Fatal(err)
	}
	if err := a.db.NewRaw(`SELECT ce.number, c.title, c.id, c.provider_id FROM certificates ce JOIN enrollments e ON e.id = ce.enrollment_id JOIN courses c ON c.id = e.course_id ORDER BY ce.id LIMIT 1`).Scan(t0, &certNumber, &title, &courseID, &providerID); err != nil {
		t.Fatal(err)
	}
	sessionID = a.ids(`SELECT id FROM training_sessions ORDER BY id LIMIT 1`)[0]
	var got struct {
		ByID, ByNIK *struct {
			NIK string `json:"nik"`
		}
		Wave *struct {
			Number int `json:"number"`
		}
		NoWave      *struct{} `json:"noWave"`
		Certificate *struct {
			Number string `json:"number"`
			Course struct {
				Title string `json:"title"`
			} `json:"course"`
		} `json:"certificate"`
		NoCertificate *struct{} `json:"noCertificate"`
		Course        *connNode `json:"course"`
		Provider      *connNode `json:"provider"`
		Session       *connNode `json:"session"`
		Categories    []string  `json:"courseCategories"`
	}
	a.query(`query($id: ID!, $nik: String!, $cert: String!, $course: ID!, $provider: ID!, $session: ID!) {
		byID: participant(id: $id) { nik }
		byNIK: participant(nik: $nik) { nik }
		wave(number: 1) { number }
		noWave: wave(number: 9999) { number }
		certificate(number: $cert) { number course { title } }
		noCertificate: certificate(number: "PKJ-NOPE") { number }
		course(id: $course) { id }
		provider(id: $provider) { id }
		session: trainingSession(id: $session) { id }
		courseCategories
	}`, map[string]any{"id": gid("Participant", pid), "nik": nik, "cert": certNumber,
		"course": gid("Course", courseID), "provider": gid("Provider", providerID), "session": gid("TrainingSession", sessionID)}, &got)
	for _, c := range []struct {
		name      string
		ok        bool
		got, want any
	}{
		{"participant(id)", got.ByID != nil && got.ByID.NIK == nik, got.ByID, nik},
		{"participant(nik)", got.ByNIK != nil && got.ByNIK.NIK == nik, got.ByNIK, nik},
		{"wave(1)", got.Wave != nil && got.Wave.Number == 1, got.Wave, 1},
		{"wave(9999)", got.NoWave == nil, got.NoWave, nil},
		{"certificate", got.Certificate != nil && got.Certificate.Course.Title == title, got.Certificate, title},
		{"certificate(unknown)", got.NoCertificate == nil, got.NoCertificate, nil},
		{"course", got.Course != nil && got.Course.ID == gid("Course", courseID), got.Course, courseID},
		{"provider", got.Provider != nil && got.Provider.ID == gid("Provider", providerID), got.Provider, providerID},
		{"trainingSession", got.Session != nil && got.Session.ID == gid("TrainingSession", sessionID), got.Session, sessionID},
		{"courseCategories", len(got.Categories) >= 10, got.Categories, "at least 10 categories"},
	} {
		if !c.ok {
			t.Errorf("%s = %v, want %v", c.name, fmt.Sprint(c.got), c.want)
		}
	}
}
