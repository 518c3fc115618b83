package graph_test

import (
	"strings"
	"testing"

	"prakerja/db"
)

// TestAccessMatrix reads another's data through every path — root field, node, a nested path and
// totals — as each role, and checks that each path gives nothing or an error, while the caller's
// own data is visible with the right masks.
func TestAccessMatrix(t *testing.T) {
	a := mustAPI(t)
	// Participant A owns enrollments and incentives; provider P and platform F sold A a course.
	var pa, pb, provider, platform, enrollmentA int64
	if err := a.db.NewRaw(`SELECT e.participant_id, e.provider_id, e.platform_id, e.id FROM enrollments e
		JOIN incentives i ON i.participant_id = e.participant_id ORDER BY e.id LIMIT 1`).Scan(t0, &pa, &provider, &platform, &enrollmentA); err != nil {
		t.Fatal(err)
	}
	// Participant B bought nothing from P nor through F, and has incentives too.
	if err := a.db.NewRaw(`SELECT i.participant_id FROM incentives i WHERE i.participant_id <> ?
		AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = i.participant_id AND (e.provider_id = ? OR e.platform_id = ?))
		ORDER BY i.participant_id LIMIT 1`, pa, provider, platform).Scan(t0, &pb); err != nil {
		t.Fatal(err)
	}
	var nikA, nikB string
	if err := a.db.NewRaw(`SELECT (SELECT nik FROM participants WHERE id = ?), (SELECT nik FROM participants WHERE id = ?)`, pa, pb).Scan(t0, &nikA, &nikB); err != nil {
		t.Fatal(err)
	}
	enrollmentB := a.ids(`SELECT id FROM enrollments WHERE participant_id = ? ORDER BY id LIMIT 1`, pb)[0]
	incentiveB := a.ids(`SELECT id FROM incentives WHERE participant_id = ? ORDER BY id LIMIT 1`, pb)[0]
	courseB := a.ids(`SELECT course_id FROM enrollments WHERE id = ?`, enrollmentB)[0]
	allParticipants := a.count(`SELECT count(*) FROM participants`)

	idA, idB := gid(db.TypeParticipant, pa), gid(db.TypeParticipant, pb)
	vars := map[string]any{"a": idA, "b": idB, "nikB": nikB, "eB": gid(db.TypeEnrollment, enrollmentB),
		"iB": gid(db.TypeIncentive, incentiveB), "cB": gid(db.TypeCourse, courseB)}

	// Another's participant, by every path. Each must give nothing (null, empty, zero) or an error.
	const others = `query($b: ID!, $eB: ID!, $iB: ID!, $cB: ID!) {
		byID: participant(id: $b) { id }
		byNode: node(id: $b) { id }
		enrollmentNode: node(id: $eB) { id }
		incentiveNode: node(id: $iB) { id }
		nested: course(id: $cB) { enrollments(first: 100, filter: {participantId: $b}) { totalCount nodes { participant { id } } } }
	}`
	type othersResult struct {
		ByID           *connNode `json:"byID"`
		ByNode         *connNode `json:"byNode"`
		EnrollmentNode *connNode `json:"enrollmentNode"`
		IncentiveNode  *connNode `json:"incentiveNode"`
		Nested         *struct {
			Enrollments struct {
				TotalCount int `json:"totalCount"`
				Nodes      []struct {
					Participant *connNode `json:"participant"`
				} `json:"nodes"`
			} `json:"enrollments"`
		} `json:"nested"`
	}

	for _, tc := range []struct {
		role    db.Role
		subject string
		// what the role sees of participants and incentives at the root
		participantsErr, incentivesErr string
		participants                   int // -1: just check > 0 and masked
		seesB                          bool
		masked                         bool
	}{
		{role: "", participantsErr: "UNAUTHENTICATED", incentivesErr: "UNAUTHENTICATED"},
		{role: db.RoleParticipant, subject: idA, participants: 1, masked: false},
		{role: db.RoleProvider, subject: gid(db.TypeProvider, provider), incentivesErr: "FORBIDDEN", participants: -1, masked: true},
		{role: db.RolePlatform, subject: gid(db.TypePlatform, platform), incentivesErr: "FORBIDDEN", participants: -1, masked: true},
		{role: db.RoleAnalyst, subject: "analyst-1", participants: allParticipants, seesB: true, masked: true},
		{role: db.RoleAdmin, subject: "admin-1", participants: allParticipants, seesB: true, masked: false},
	} {
		name := string(tc.role)
		if name == "" {
			name = "ANONYMOUS"
		}
		t.Run(name, func(t *testing.T) {
			c := a.as(tc.role, tc.subject)

			// Root field and its total.
			resp := c.raw(`{ participants(first: 100) { totalCount nodes { id nik kkNumber phone email } } }`, nil)
			if tc.participantsErr != "" {
				if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != tc.participantsErr {
					t.Fatalf("participants = %s %+v, want error %s", resp.Data, resp.Errors, tc.participantsErr)
				}
			} else {
				var got struct {
					Participants struct {
						TotalCount int `json:"totalCount"`
						Nodes      []struct {
							ID, NIK, KKNumber, Phone, Email string
						} `json:"nodes"`
					} `json:"participants"`
				}
				c.decode(resp, &got)
				if tc.participants >= 0 && got.Participants.TotalCount != tc.participants {
					t.Errorf("participants totalCount = %d, want %d", got.Participants.TotalCount, tc.participants)
				}
				if tc.participants < 0 && (got.Participants.TotalCount == 0 || got.Participants.TotalCount >= allParticipants) {
					t.Errorf("participants totalCount = %d, want some but not all %d", got.Participants.TotalCount, allParticipants)
				}
				for _, p := range got.Participants.Nodes {
					if p.ID == idB && !tc.seesB {
						t.Errorf("participants lists B (%s), whom %s may not see", idB, name)
					}
					masked := strings.Contains(p.NIK, "*") && strings.Contains(p.KKNumber, "*") && strings.Contains(p.Phone, "*") && strings.Contains(p.Email, "*")
					clear := !strings.ContainsAny(p.NIK+p.KKNumber+p.Phone+p.Email, "*")
					if tc.masked && !masked || !tc.masked && !clear {
						t.Errorf("participant %s as %s: nik %q kk %q phone %q email %q; want masked %v", p.ID, name, p.NIK, p.KKNumber, p.Phone, p.Email, tc.masked)
					}
				}
			}

			// Incentives, root.
			resp = c.raw(`{ incentives(first: 5) { totalCount } }`, nil)
			if tc.incentivesErr != "" {
				if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != tc.incentivesErr {
					t.Errorf("incentives = %s %+v, want error %s", resp.Data, resp.Errors, tc.incentivesErr)
				}
			} else if len(resp.Errors) > 0 {
				t.Errorf("incentives: unexpected errors %+v", resp.Errors)
			}

			// Participant B through every other path.
			resp = c.raw(others, vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("paths to B: errors %+v", resp.Errors)
			}
			var got othersResult
			c.decode(resp, &got)
			seen := got.ByID != nil || got.ByNode != nil || got.EnrollmentNode != nil || got.IncentiveNode != nil ||
				got.Nested == nil || got.Nested.Enrollments.TotalCount > 0 || len(got.Nested.Enrollments.Nodes) > 0
			if seen != tc.seesB {
				t.Errorf("as %s, paths to B = %+v; want visible %v", name, got, tc.seesB)
			}

			// participant(nik:) of B.
			resp = c.raw(`query($nikB: String!) { participant(nik: $nikB) { id } }`, vars)
			if strings.Contains(string(resp.Data), idB) != tc.seesB {
				t.Errorf("participant(nik: B) = %s %+v, want visible %v", resp.Data, resp.Errors, tc.seesB)
			}
		})
	}

	// The participant sees their own record in clear, and everything that hangs from it.
	t.Run("PARTICIPANT own data", func(t *testing.T) {
		c := a.as(db.RoleParticipant, idA)
		var got struct {
			Viewer struct {
				Role               string    `json:"role"`
				Participant        *connNode `json:"participant"`
				PersonalDataMasked bool      `json:"personalDataMasked"`
			} `json:"viewer"`
			Me *struct {
				NIK         string `json:"nik"`
				Enrollments struct {
					TotalCount int `json:"totalCount"`
				} `json:"enrollments"`
				Incentives struct {
					TotalCount int `json:"totalCount"`
					Nodes      []struct {
						Payments []struct {
							AccountNumber string `json:"accountNumber"`
						} `json:"payments"`
					} `json:"nodes"`
				} `json:"incentives"`
			} `json:"me"`
			Enrollments struct {
				TotalCount int `json:"totalCount"`
			} `json:"enrollments"`
		}
		c.query(`query($a: ID!) {
			viewer { role personalDataMasked participant { id } }
			me: participant(id: $a) { nik enrollments { totalCount } incentives(first: 10) { totalCount nodes { payments { accountNumber } } } }
			enrollments { totalCount }
		}`, vars, &got)
		wantEnrollments := a.count(`SELECT count(*) FROM enrollments WHERE participant_id = ?`, pa)
		if got.Viewer.Role != "PARTICIPANT" || got.Viewer.Participant == nil || got.Viewer.Participant.ID != idA || !got.Viewer.PersonalDataMasked {
			t.Errorf("viewer = %+v, want PARTICIPANT %s", got.Viewer, idA)
		}
		if got.Me == nil || got.Me.NIK != nikA {
			t.Fatalf("own record = %+v, want NIK %s in clear", got.Me, nikA)
		}
		if got.Me.Enrollments.TotalCount != wantEnrollments || got.Enrollments.TotalCount != wantEnrollments {
			t.Errorf("own enrollments = %d nested, %d root; want %d", got.Me.Enrollments.TotalCount, got.Enrollments.TotalCount, wantEnrollments)
		}
		if got.Me.Incentives.TotalCount != a.count(`SELECT count(*) FROM incentives WHERE participant_id = ?`, pa) {
			t.Errorf("own incentives totalCount = %d", got.Me.Incentives.TotalCount)
		}
		for _, i := range got.Me.Incentives.Nodes {
			for _, p := range i.Payments {
				if strings.Contains(p.AccountNumber, "*") {
					t.Errorf("own payment account %q is masked", p.AccountNumber)
				}
			}
		}
	})

	// A provider sees its own enrollments only, and an analyst sees every one, masked.
	t.Run("PROVIDER enrollments", func(t *testing.T) {
		c := a.as(db.RoleProvider, gid(db.TypeProvider, provider))
		var got struct {
			Enrollments struct {
				TotalCount int `json:"totalCount"`
			} `json:"enrollments"`
		}
		c.query(`{ enrollments { totalCount } }`, nil, &got)
		if want := a.count(`SELECT count(*) FROM enrollments WHERE provider_id = ?`, provider); got.Enrollments.TotalCount != want {
			t.Errorf("provider's enrollments totalCount = %d, want %d", got.Enrollments.TotalCount, want)
		}
	})

	// Audit events are for administrators only.
	for _, role := range []db.Role{db.RoleAnalyst, db.RoleParticipant} {
		resp := a.as(role, idA).raw(`{ auditEvents { totalCount } }`, nil)
		if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
			t.Errorf("auditEvents as %s = %s %+v, want FORBIDDEN", role, resp.Data, resp.Errors)
		}
	}
	if resp := a.raw(`{ auditEvents { totalCount } }`, nil); len(resp.Errors) > 0 {
		t.Errorf("auditEvents as ADMIN: %+v", resp.Errors)
	}

	// Anonymous callers get the catalogue and certificate verification.
	anon := a.as("", "")
	var cat struct {
		Courses struct {
			TotalCount int `json:"totalCount"`
		} `json:"courses"`
		Viewer struct {
			Anonymous bool `json:"anonymous"`
		} `json:"viewer"`
	}
	anon.query(`{ courses { totalCount } platforms { name } providers { totalCount } trainingSessions { totalCount } viewer { anonymous } }`, nil, &cat)
	if cat.Courses.TotalCount == 0 || !cat.Viewer.Anonymous {
		t.Errorf("anonymous catalogue = %+v, want courses and anonymous viewer", cat)
	}
}

// decode decodes a response's data, failing on errors.
func (a *api) decode(resp gqlResponse, out any) {
	a.t.Helper()
	if len(resp.Errors) > 0 {
		a.t.Fatalf("errors: %+v", resp.Errors)
	}
	if err := jsonUnmarshal(resp.Data, out); err != nil {
		a.t.Fatalf("decode %s: %v", resp.Data, err)
	}
}
