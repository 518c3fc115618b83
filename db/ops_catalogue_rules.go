package db

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The rules of the catalogue that need no database: limits, teaching hours and the codes printed
// on enrollments and certificates. The catalogue mutations in ops_catalogue.go apply them.

const (
	// catMinCourseHours is the shortest course that may be created: from 2023 a course runs at
	// least 15 hours.
	catMinCourseHours = 15
	// catMaxCourseHours bounds a course's length, to catch a typo (hours for minutes) early.
	catMaxCourseHours = 1000
	// catMaxVenueCapacity is the largest class at a venue (offline or hybrid).
	catMaxVenueCapacity = 40
	// catMaxOnlineCapacity is the largest live online class (webinar).
	catMaxOnlineCapacity = 150
	// catMaxVenueHoursPerDay and catMaxOnlineHoursPerDay bound the teaching time of one day.
	catMaxVenueHoursPerDay  = 8
	catMaxOnlineHoursPerDay = 3
	// catMaxNameLength bounds free-text names (providers, venues).
	catMaxNameLength = 200
	// catMaxReasonLength bounds a cancellation reason.
	catMaxReasonLength = 1000
	// catMaxOrderIDLength is the longest platform order ID (the enrollments column's CHECK).
	catMaxOrderIDLength = 100
)

// catRefuseAt returns a Refusal about a nested input field, for example
// ["input", "venue", "name"].
func catRefuseAt(code UserErrorCode, path []string, format string, args ...any) *Refusal {
	return &Refusal{Errors: []*UserError{{
		Code:    code,
		Message: fmt.Sprintf(format, args...),
		Field:   append([]string{"input"}, path...),
	}}}
}

// catKey returns the primary key of the entity an input ID names. An ID of another entity type is
// refused with INVALID_ID on field (a malformed ID never gets here: the GraphQL layer rejects it).
func catKey(id NodeID, typ, field string) (int64, error) {
	k, err := id.Int(typ)
	if err != nil {
		return 0, Refuse(UserErrorCodeInvalidId, field, "%s must be the ID of a %s", field, typ)
	}
	return k, nil
}

// catUniqueViolation returns the name of the unique constraint err violated, or "".
func catUniqueViolation(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName
	}
	return ""
}

// catHasVenue reports whether sessions of a course in mode take place at a venue.
func catHasVenue(mode DeliveryMode) bool {
	return mode == DeliveryModeOffline || mode == DeliveryModeHybrid
}

// catMaxCapacity is the largest class of a session with or without a venue.
func catMaxCapacity(venue bool) int {
	if venue {
		return catMaxVenueCapacity
	}
	return catMaxOnlineCapacity
}

// catMaxHoursPerDay is the longest teaching day of a session with or without a venue.
func catMaxHoursPerDay(venue bool) int {
	if venue {
		return catMaxVenueHoursPerDay
	}
	return catMaxOnlineHoursPerDay
}

// catDailyTeaching returns how long a session from start to end teaches on its busiest calendar
// day in Indonesia (WIB), and how many calendar days it spans.
//
// A session within one day teaches end − start. A session over several days is taken to teach
// the same daily window every day, from start's time of day to end's (09:00 Monday to 16:00
// Wednesday is 7 hours a day for 3 days). When end's time of day is not after start's, the window
// cannot repeat, so the session is taken to teach without a break, and its busiest day is the
// longest part of it within one calendar day.
func catDailyTeaching(start, end time.Time) (daily time.Duration, days int) {
	s, e := start.In(Jakarta), end.In(Jakarta)
	sDay, eDay := catMidnight(s), catMidnight(e)
	days = int(eDay.Sub(sDay).Hours()/24+0.5) + 1
	if days == 1 {
		return e.Sub(s), 1
	}
	sTime, eTime := s.Sub(sDay), e.Sub(eDay)
	if eTime > sTime {
		return eTime - sTime, days
	}
	// Taught without a break: the first day's part, a whole middle day, or the last day's part.
	whole := days > 2
	if eTime == 0 {
		days-- // ends at midnight: the last calendar day holds no teaching
	}
	if whole {
		return 24 * time.Hour, days
	}
	return max(sDay.AddDate(0, 0, 1).Sub(s), eTime), days
}

func catMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// catHours formats a duration as hours for messages: "3h", "4h30m".
func catHours(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimSuffix(d.Round(time.Minute).String(), "0s"), "0m")
}

// crockford is the Crockford base-32 alphabet (no I, L, O, U), which the seed uses too.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// catRandomCode returns n random Crockford base-32 characters.
func catRandomCode(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	for i := range b {
		b[i] = crockford[b[i]&31]
	}
	return string(b)
}

// catRedeemCode returns a fresh redeem code: 10 characters, so that it can never equal a seeded
// 8-character code, and with 50 random bits a collision is not a practical concern (the unique
// constraint would still refuse one).
func catRedeemCode() string { return catRandomCode(10) }

// catCertificateNumber returns a fresh public certificate number in the seed's format,
// PKJ-<year>-<8 characters>, for a certificate issued at issued (its year in WIB).
func catCertificateNumber(issued time.Time) string {
	return fmt.Sprintf("PKJ-%d-%s", issued.In(Jakarta).Year(), catRandomCode(8))
}

// catNow is the current time at the precision PostgreSQL keeps (microseconds), so that what a
// mutation returns is exactly what a later read gives.
func catNow() time.Time { return time.Now().Truncate(time.Microsecond) }
