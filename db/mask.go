package db

import "strings"

// Masking hides personal data (NIK, KK, phone, e-mail, card and account numbers) from callers who
// may see a row but not its owner's identity: analysts, providers and platforms. Administrators
// and the participant themself see it in clear. A few characters stay visible so that a person
// can still be told apart, for example 3201********0001.

func maskParticipant(p *Participant, s Scope) {
	if s.Unmasked(p.ID) {
		return
	}
	p.NIK = MaskDigits(p.NIK, 4, 4)
	p.KKNumber = MaskDigits(p.KKNumber, 4, 4)
	p.Phone = MaskDigits(p.Phone, 4, 3)
	p.Email = MaskEmail(p.Email)
	if p.CardNumber != nil {
		c := MaskDigits(*p.CardNumber, 4, 4)
		p.CardNumber = &c
	}
}

func maskPayoutAccount(a *PayoutAccount, s Scope) {
	if !s.Unmasked(a.ParticipantID) {
		a.AccountNumber = MaskDigits(a.AccountNumber, 0, 4)
	}
}

// maskPayment masks the account snapshot of a payment attempt. A participant sees only their own
// payments (the scope restricts them), so only administrators and participants see it in clear.
func maskPayment(p *Payment, s Scope) {
	if !s.All && s.Role != RoleParticipant {
		p.AccountNumber = MaskDigits(p.AccountNumber, 0, 4)
	}
}

// MaskDigits keeps the first head and last tail characters of v and replaces the rest with '*'.
// A value too short to keep both is masked whole.
func MaskDigits(v string, head, tail int) string {
	if len(v) <= head+tail {
		return strings.Repeat("*", len(v))
	}
	return v[:head] + strings.Repeat("*", len(v)-head-tail) + v[len(v)-tail:]
}

// MaskEmail keeps the first character of the local part and the domain: b***@example.id.
func MaskEmail(v string) string {
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" {
		return MaskDigits(v, 0, 0)
	}
	return local[:1] + "***@" + domain
}
