package db

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// The rules of registration, waves and the draw that need no database: identity formats, ages,
// contact details, and the draw's order and card numbers. The mutations in ops_people*.go apply
// them.

const (
	// pplMinAge and pplMaxAge bound a registrant's age in whole years on the day of registration
	// (and of the draw), counted in Asia/Jakarta.
	pplMinAge = 18
	pplMaxAge = 64
	// pplKKCap is the most participants one family card (KK) may have in the program.
	pplKKCap = 2
	// pplMaxNameLength is the longest full name (the participants column's CHECK).
	pplMaxNameLength = 200
	// pplMaxEmailLength is the longest e-mail address (RFC 5321).
	pplMaxEmailLength = 254
	// pplMaxWaveNumber and pplMaxQuota keep a wave within the card number scheme: a card number is
	// "53", the wave number in 6 digits and the selection rank in 8 (see pplCardNumber).
	pplMaxWaveNumber = 999_999
	pplMaxQuota      = 99_999_999
	// pplCardPrefix starts every card number a draw issues. The seed's historical cards start with
	// "52", so the two can never collide.
	pplCardPrefix = "53"
)

// pplErrorAt returns a user error about a nested input field, for example
// ["input", "provinceQuotas", "0", "quota"].
func pplErrorAt(code UserErrorCode, path []string, format string, args ...any) *UserError {
	return &UserError{Code: code, Message: fmt.Sprintf(format, args...), Field: append([]string{"input"}, path...)}
}

// pplUniqueViolation returns the name of the unique constraint err violated, or "".
func pplUniqueViolation(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName
	}
	return ""
}

// pplIsAdmin reports whether the actor is a programme administrator (or internal code).
func pplIsAdmin(a Actor) bool { return a.All || a.Role == RoleAdmin }

// pplCheckNIK validates a NIK (PPRRDD DDMMYY SSSS) against the declared birth date and gender.
// provinceKnown says whether its first two digits name a province. It returns nil when the NIK is
// valid, INVALID_NIK when it is malformed (not 16 digits, unknown province, impossible date,
// serial 0000), and NIK_MISMATCH when its date or gender disagrees with the declared ones.
func pplCheckNIK(nik string, provinceKnown bool, birth time.Time, gender Gender) *UserError {
	field := []string{"nik"}
	if len(nik) != 16 || !isDigits(nik) {
		return pplErrorAt(UserErrorCodeInvalidNik, field, "The NIK must be exactly 16 digits.")
	}
	if !provinceKnown {
		return pplErrorAt(UserErrorCodeInvalidNik, field, "The NIK starts with %s, which is not a province code.", nik[:2])
	}
	day, month, yy, female, ok := pplNIKDate(nik)
	if !ok {
		return pplErrorAt(UserErrorCodeInvalidNik, field, "The NIK's birth date (digits 7 to 12, DDMMYY with 40 added to the day for women) is not a real date.")
	}
	if nik[12:] == "0000" {
		return pplErrorAt(UserErrorCodeInvalidNik, field, "The NIK's serial (its last 4 digits) may not be 0000.")
	}
	if female != (gender == GenderFemale) {
		return pplErrorAt(UserErrorCodeNikMismatch, field, "The NIK's day of birth (+40 for women) says %s, but the gender given is %s.", pplGenderWord(female), gender)
	}
	if birth.Day() != day || int(birth.Month()) != month || birth.Year()%100 != yy {
		return pplErrorAt(UserErrorCodeNikMismatch, field, "The NIK's birth date %02d-%02d-%02d disagrees with the birth date given, %s.", day, month, yy, birth.Format(time.DateOnly))
	}
	return nil
}

func pplGenderWord(female bool) string {
	if female {
		return "FEMALE"
	}
	return "MALE"
}

// pplNIKDate decodes the birth date inside a 16-digit NIK: the day (with the +40 for women
// removed), month and two-digit year, and whether the holder is a woman. ok is false when the
// digits are no real date in either century.
func pplNIKDate(nik string) (day, month, yy int, female, ok bool) {
	day, _ = strconv.Atoi(nik[6:8])
	month, _ = strconv.Atoi(nik[8:10])
	yy, _ = strconv.Atoi(nik[10:12])
	if day > 40 {
		day -= 40
		female = true
	}
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return 0, 0, 0, false, false
	}
	// 2000+yy is a leap year whenever 19yy or 20yy is one (1900 is not, 2000 is), so a 29
	// February is accepted if it exists in either century.
	d := time.Date(2000+yy, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day {
		return 0, 0, 0, false, false
	}
	return day, month, yy, female, true
}

// pplCheckKK validates a family card (KK) number: 16 digits.
func pplCheckKK(kk string) *UserError {
	if len(kk) != 16 || !isDigits(kk) {
		return pplErrorAt(UserErrorCodeInvalidKk, []string{"kkNumber"}, "The family card (KK) number must be exactly 16 digits.")
	}
	return nil
}

// pplCheckAge refuses a birth date that makes the person younger than 18 or older than 64 on day
// (a day in Asia/Jakarta).
func pplCheckAge(birth, day time.Time) *UserError {
	if age := ageOn(birth, day); age < pplMinAge || age > pplMaxAge {
		return pplErrorAt(UserErrorCodeAgeOutOfRange, []string{"birthDate"}, "Participants must be %d to %d years old; born on %s, the person is %d.", pplMinAge, pplMaxAge, birth.Format(time.DateOnly), age)
	}
	return nil
}

// pplCheckName validates a full name that has been trimmed: 1 to 200 characters.
func pplCheckName(name string) *UserError {
	if n := utf8.RuneCountInString(name); n == 0 || n > pplMaxNameLength {
		return pplErrorAt(UserErrorCodeInvalidInput, []string{"fullName"}, "The full name must be 1 to %d characters.", pplMaxNameLength)
	}
	return nil
}

// pplCheckEmail validates a trimmed e-mail address: something, '@', a domain, no spaces.
func pplCheckEmail(email string) *UserError {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(email, " \t\r\n") || len(email) > pplMaxEmailLength {
		return pplErrorAt(UserErrorCodeInvalidInput, []string{"email"}, "The e-mail address must look like name@example.id.")
	}
	return nil
}

// pplNormalizePhone removes the spaces and hyphens people type in phone numbers.
func pplNormalizePhone(phone string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(phone))
}

// pplCheckPhone validates a normalized phone number: 8 to 15 digits, optionally written with the
// country code +62 (or the trunk prefix 0).
func pplCheckPhone(phone string) *UserError {
	digits := phone
	if rest, ok := strings.CutPrefix(phone, "+"); ok {
		if !strings.HasPrefix(rest, "62") {
			return pplErrorAt(UserErrorCodeInvalidInput, []string{"phone"}, "An international phone number must start with +62.")
		}
		digits = rest
	}
	if !isDigits(digits) || len(digits) < 8 || len(digits) > 15 {
		return pplErrorAt(UserErrorCodeInvalidInput, []string{"phone"}, "The phone number must have 8 to 15 digits, for example 081234567890 or +6281234567890.")
	}
	return nil
}

// pplCardNumber is the card number of the rank-th person (from 1) selected in a wave's draw:
// "53", the wave number in 6 digits, and the rank in 8. A wave is drawn once, so the number is
// unique, and it never collides with the seed's cards, which start with "52".
func pplCardNumber(waveNumber, rank int) string {
	return fmt.Sprintf("%s%06d%08d", pplCardPrefix, waveNumber, rank)
}
