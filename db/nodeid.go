package db

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"
)

// NodeID is a global, opaque entity ID: a type name and a primary key, encoded as base64url of
// "Type:key". Clients must treat it as opaque; the encoding may change.
type NodeID struct {
	Type string
	Key  string
}

// The node type names. They are the GraphQL type names of the entities.
const (
	TypeProvince        = "Province"
	TypeBenefitScheme   = "BenefitScheme"
	TypeWave            = "Wave"
	TypeParticipant     = "Participant"
	TypePlatform        = "Platform"
	TypeProvider        = "Provider"
	TypeCourse          = "Course"
	TypeListing         = "CourseListing"
	TypeTrainingSession = "TrainingSession"
	TypeEnrollment      = "Enrollment"
	TypeCertificate     = "Certificate"
	TypeReview          = "Review"
	TypePayoutAccount   = "PayoutAccount"
	TypeIncentive       = "Incentive"
	TypePayment         = "Payment"
	TypePlacement       = "Placement"
	TypeAuditEvent      = "AuditEvent"
)

var nodeTypes = map[string]bool{
	TypeProvince: true, TypeBenefitScheme: true, TypeWave: true, TypeParticipant: true,
	TypePlatform: true, TypeProvider: true, TypeCourse: true, TypeListing: true,
	TypeTrainingSession: true, TypeEnrollment: true, TypeCertificate: true, TypeReview: true,
	TypePayoutAccount: true, TypeIncentive: true, TypePayment: true, TypePlacement: true,
	TypeAuditEvent: true,
}

// IntNodeID returns the global ID of an entity with an integer key.
func IntNodeID(typ string, id int64) NodeID { return NodeID{Type: typ, Key: strconv.FormatInt(id, 10)} }

// String returns the opaque encoding.
func (n NodeID) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(n.Type + ":" + n.Key))
}

// Int returns the integer key of an entity of type typ. It fails with EINVALID when the ID is of
// another type or its key is not an integer.
func (n NodeID) Int(typ string) (int64, error) {
	if n.Type != typ {
		return 0, Errorf(EINVALID, "ID %s is not a %s ID", n, typ)
	}
	id, err := strconv.ParseInt(n.Key, 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "ID %s is malformed", n)
	}
	return id, nil
}

// ParseNodeID decodes an opaque ID. It fails with EINVALID on anything it did not encode.
func ParseNodeID(s string) (NodeID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(s) > 100 {
		return NodeID{}, Errorf(EINVALID, "malformed ID %q", truncate(s, 40))
	}
	typ, key, ok := strings.Cut(string(raw), ":")
	if !ok || !nodeTypes[typ] || key == "" {
		return NodeID{}, Errorf(EINVALID, "malformed ID %q", truncate(s, 40))
	}
	n := NodeID{Type: typ, Key: key}
	if typ != TypeProvince && typ != TypeBenefitScheme {
		if _, err := n.Int(typ); err != nil {
			return NodeID{}, Errorf(EINVALID, "malformed ID %q", truncate(s, 40))
		}
	}
	return n, nil
}

// MarshalGQL writes the opaque encoding as a GraphQL ID.
func (n NodeID) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(n.String())) }

// UnmarshalGQL reads a GraphQL ID; it fails with EINVALID when the ID is malformed.
func (n *NodeID) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "an ID must be a string")
	}
	id, err := ParseNodeID(s)
	if err != nil {
		return err
	}
	*n = id
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// NodeID methods give every entity its global ID.

func (p *Province) NodeID() NodeID        { return NodeID{Type: TypeProvince, Key: p.Code} }
func (s *BenefitScheme) NodeID() NodeID   { return NodeID{Type: TypeBenefitScheme, Key: string(s.Code)} }
func (w *Wave) NodeID() NodeID            { return IntNodeID(TypeWave, w.ID) }
func (p *Participant) NodeID() NodeID     { return IntNodeID(TypeParticipant, p.ID) }
func (p *Platform) NodeID() NodeID        { return IntNodeID(TypePlatform, p.ID) }
func (p *Provider) NodeID() NodeID        { return IntNodeID(TypeProvider, p.ID) }
func (c *Course) NodeID() NodeID          { return IntNodeID(TypeCourse, c.ID) }
func (l *Listing) NodeID() NodeID         { return IntNodeID(TypeListing, l.ID) }
func (s *TrainingSession) NodeID() NodeID { return IntNodeID(TypeTrainingSession, s.ID) }
func (e *Enrollment) NodeID() NodeID      { return IntNodeID(TypeEnrollment, e.ID) }
func (c *Certificate) NodeID() NodeID     { return IntNodeID(TypeCertificate, c.ID) }
func (r *Review) NodeID() NodeID          { return IntNodeID(TypeReview, r.ID) }
func (a *PayoutAccount) NodeID() NodeID   { return IntNodeID(TypePayoutAccount, a.ID) }
func (i *Incentive) NodeID() NodeID       { return IntNodeID(TypeIncentive, i.ID) }
func (p *Payment) NodeID() NodeID         { return IntNodeID(TypePayment, p.ID) }
func (p *Placement) NodeID() NodeID       { return IntNodeID(TypePlacement, p.ID) }
func (a *AuditEvent) NodeID() NodeID      { return IntNodeID(TypeAuditEvent, a.ID) }
