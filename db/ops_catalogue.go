package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// The catalogue and purchase mutations. Each runs in one transaction through mutation: a refusal
// (a *Refusal) rolls everything back, and every success writes one audit event. Under concurrency
// the database decides: rows are locked (a course while its sessions are scheduled or its listings
// priced, a session while it is cancelled, an enrollment while its outcome is recorded), seats and
// balances move only through conditional updates, and unique constraints settle races between
// inserts (provider names, listings, order IDs).

// CreateProvider adds a training provider (lembaga pelatihan). Only ADMIN may: others get
// EUNAUTHENTICATED or EFORBIDDEN. It refuses with INVALID_INPUT (an empty name, an unknown
// province), INVALID_NIB (a NIB that is not 13 digits, or none for a PRIVATE provider) and
// DUPLICATE_PROVIDER (the name, in any letter case, or the NIB is taken).
func CreateProvider(ctx context.Context, bdb *bun.DB, actor Actor, in CreateProviderInput) (*CreateProviderPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateProviderPayload) error {
		if !actor.All {
			return Forbid(actor, "create providers")
		}
		name := strings.TrimSpace(in.Name)
		switch {
		case name == "":
			return Refuse(UserErrorCodeInvalidInput, "name", "name must not be empty")
		case utf8.RuneCountInString(name) > catMaxNameLength:
			return Refuse(UserErrorCodeInvalidInput, "name", "name must be at most %d characters", catMaxNameLength)
		}
		var nib *string
		if in.NIB != nil && strings.TrimSpace(*in.NIB) != "" {
			v := strings.TrimSpace(*in.NIB)
			if len(v) != 13 || !isDigits(v) {
				return Refuse(UserErrorCodeInvalidNib, "nib", "a NIB (business ID) is 13 digits, not %q", v)
			}
			nib = &v
		}
		if in.Kind == ProviderKindPrivate && nib == nil {
			return Refuse(UserErrorCodeInvalidNib, "nib", "a PRIVATE provider needs its 13-digit NIB (business ID)")
		}
		if ok, err := catProvinceExists(ctx, tx, in.ProvinceCode); err != nil {
			return err
		} else if !ok {
			return Refuse(UserErrorCodeInvalidInput, "provinceCode", "%q is not a province code", in.ProvinceCode)
		}
		if refusal, err := catProviderTaken(ctx, tx, name, nib, true); err != nil {
			return err
		} else if refusal != nil {
			return refusal
		}
		pr := &Provider{Name: name, Kind: in.Kind, NIB: nib, ProvinceCode: in.ProvinceCode, CreatedAt: catNow()}
		// A concurrent creation of the same name or NIB commits first or not at all: the unique
		// constraints decide, and DO NOTHING lets this transaction explain the refusal.
		inserted, err := catInserted(tx.NewInsert().Model(pr).On("CONFLICT DO NOTHING").Returning("*").Exec(ctx))
		if err != nil {
			return fmt.Errorf("create provider: %w", err)
		}
		if !inserted {
			refusal, err := catProviderTaken(ctx, tx, name, nib, false)
			if err != nil {
				return err
			}
			if refusal == nil {
				refusal = Refuse(UserErrorCodeDuplicateProvider, "name", "a provider named %q exists", name)
			}
			return refusal
		}
		if err := Audit(ctx, tx, actor, "createProvider", TypeProvider, pr.ID, nil, pr); err != nil {
			return err
		}
		p.Provider = pr
		return nil
	})
}

// catInserted interprets the result of an INSERT … ON CONFLICT DO NOTHING RETURNING: whether it
// inserted the row, or did nothing because of a conflict.
func catInserted(res sql.Result, err error) (bool, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// catProviderTaken returns a DUPLICATE_PROVIDER refusal when a provider has the name (in any
// letter case when anyCase, exactly otherwise) or the NIB.
func catProviderTaken(ctx context.Context, tx bun.IDB, name string, nib *string, anyCase bool) (*Refusal, error) {
	var taken struct {
		Name bool `bun:"name"`
		NIB  bool `bun:"nib"`
	}
	nameCond := "name = ?"
	if anyCase {
		nameCond = "lower(name) = lower(?)"
	}
	err := tx.NewRaw(`SELECT EXISTS (SELECT 1 FROM providers WHERE `+nameCond+`) AS name,
		EXISTS (SELECT 1 FROM providers WHERE nib = ?) AS nib`, name, nib).Scan(ctx, &taken)
	switch {
	case err != nil:
		return nil, fmt.Errorf("create provider: check duplicates: %w", err)
	case taken.Name:
		return Refuse(UserErrorCodeDuplicateProvider, "name", "a provider named %q exists", name), nil
	case taken.NIB:
		return Refuse(UserErrorCodeDuplicateProvider, "nib", "a provider with NIB %s exists", *nib), nil
	}
	return nil, nil
}

func catProvinceExists(ctx context.Context, tx bun.IDB, code string) (bool, error) {
	var ok bool
	if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM provinces WHERE code = ?)", code).Scan(ctx, &ok); err != nil {
		return false, fmt.Errorf("check province %q: %w", code, err)
	}
	return ok, nil
}

// catGet reads the row of model T with primary key id, locked FOR UPDATE when lock is set. It
// returns nil (and no error) when there is none.
func catGet[T any](ctx context.Context, tx bun.IDB, id int64, lock bool) (*T, error) {
	row := new(T)
	q := tx.NewSelect().Model(row).Where("?TableAlias.id = ?", id)
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %T %d: %w", row, id, err)
	}
	return row, nil
}

// CreateCourse adds a course to a provider's catalogue. ADMIN may add to any provider, a PROVIDER
// to itself only; others get EUNAUTHENTICATED or EFORBIDDEN. It refuses with INVALID_ID,
// NOT_FOUND (providerId), and INVALID_INPUT: an empty title or category, or a course shorter than
// 15 hours (the rule for courses created from 2023) or longer than 1000.
func CreateCourse(ctx context.Context, bdb *bun.DB, actor Actor, in CreateCourseInput) (*CreateCoursePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateCoursePayload) error {
		if !actor.All && actor.Role != RoleProvider {
			return Forbid(actor, "create courses")
		}
		providerID, err := catKey(in.ProviderID, TypeProvider, "providerId")
		if err != nil {
			return err
		}
		if !actor.All && providerID != actor.ProviderID {
			return Forbid(actor, "create courses of another provider")
		}
		provider, err := catGet[Provider](ctx, tx, providerID, false)
		if err != nil {
			return err
		}
		if provider == nil {
			return Refuse(UserErrorCodeNotFound, "providerId", "no provider has ID %s", in.ProviderID)
		}
		title, category := strings.TrimSpace(in.Title), strings.TrimSpace(in.Category)
		description := ""
		if in.Description != nil {
			description = strings.TrimSpace(*in.Description)
		}
		switch {
		case title == "":
			return Refuse(UserErrorCodeInvalidInput, "title", "title must not be empty")
		case utf8.RuneCountInString(title) > 300:
			return Refuse(UserErrorCodeInvalidInput, "title", "title must be at most 300 characters")
		case category == "":
			return Refuse(UserErrorCodeInvalidInput, "category", "category must not be empty")
		case utf8.RuneCountInString(category) > 100:
			return Refuse(UserErrorCodeInvalidInput, "category", "category must be at most 100 characters")
		case utf8.RuneCountInString(description) > 10000:
			return Refuse(UserErrorCodeInvalidInput, "description", "description must be at most 10000 characters")
		case in.DurationHours < catMinCourseHours:
			return Refuse(UserErrorCodeInvalidInput, "durationHours", "a course runs at least %d hours (the rule since 2023), not %d", catMinCourseHours, in.DurationHours)
		case in.DurationHours > catMaxCourseHours:
			return Refuse(UserErrorCodeInvalidInput, "durationHours", "a course runs at most %d hours, not %d", catMaxCourseHours, in.DurationHours)
		}
		c := &Course{
			ProviderID: providerID, Title: title, Description: description, Category: category,
			Mode: in.Mode, DurationHours: in.DurationHours, CreatedAt: catNow(),
		}
		if _, err := tx.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("create course: %w", err)
		}
		if err := Audit(ctx, tx, actor, "createCourse", TypeCourse, c.ID, nil, c); err != nil {
			return err
		}
		p.Course = c
		return nil
	})
}

// ListCourse lists a course on a platform at a price, and keeps the course's minPrice the lowest
// of its listings. ADMIN, the course's PROVIDER, or the PLATFORM itself may; others get
// EUNAUTHENTICATED or EFORBIDDEN. It refuses with INVALID_ID, NOT_FOUND (courseId, platformId),
// INVALID_PRICE (not positive) and DUPLICATE_LISTING (the course is on the platform already).
func ListCourse(ctx context.Context, bdb *bun.DB, actor Actor, in ListCourseInput) (*ListCoursePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *ListCoursePayload) error {
		if !actor.All && actor.Role != RoleProvider && actor.Role != RolePlatform {
			return Forbid(actor, "list courses")
		}
		courseID, err := catKey(in.CourseID, TypeCourse, "courseId")
		if err != nil {
			return err
		}
		platformID, err := catKey(in.PlatformID, TypePlatform, "platformId")
		if err != nil {
			return err
		}
		if !actor.All && actor.Role == RolePlatform && platformID != actor.PlatformID {
			return Forbid(actor, "list courses on another platform")
		}
		// The course row is locked so that concurrent listings of one course update its
		// minPrice one after the other.
		course, err := catGet[Course](ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if course == nil {
			return Refuse(UserErrorCodeNotFound, "courseId", "no course has ID %s", in.CourseID)
		}
		if !actor.All && actor.Role == RoleProvider && course.ProviderID != actor.ProviderID {
			return Forbid(actor, "list another provider's courses")
		}
		platform, err := catGet[Platform](ctx, tx, platformID, false)
		if err != nil {
			return err
		}
		if platform == nil {
			return Refuse(UserErrorCodeNotFound, "platformId", "no platform has ID %s", in.PlatformID)
		}
		if in.Price <= 0 {
			return Refuse(UserErrorCodeInvalidPrice, "price", "a price must be more than zero, not %d", in.Price)
		}
		l := &Listing{CourseID: courseID, PlatformID: platformID, Price: in.Price, ListedAt: catNow()}
		inserted, err := catInserted(tx.NewInsert().Model(l).On("CONFLICT (course_id, platform_id) DO NOTHING").Returning("*").Exec(ctx))
		if err != nil {
			return fmt.Errorf("list course: %w", err)
		}
		if !inserted {
			return Refuse(UserErrorCodeDuplicateListing, "platformId", "the course is already listed on %s", platform.Name)
		}
		if _, err := tx.NewRaw(`UPDATE courses SET min_price = (SELECT min(price) FROM course_listings WHERE course_id = ?0)
			WHERE id = ?0`, courseID).Exec(ctx); err != nil {
			return fmt.Errorf("list course: update min price: %w", err)
		}
		if err := Audit(ctx, tx, actor, "listCourse", TypeListing, l.ID, nil, l); err != nil {
			return err
		}
		p.Listing = l
		return nil
	})
}

// ScheduleTrainingSession schedules a session of a course. ADMIN or the course's PROVIDER may;
// others get EUNAUTHENTICATED or EFORBIDDEN. It refuses with INVALID_ID, NOT_FOUND (courseId);
// INVALID_INPUT for a SELF_PACED course (it has no sessions), a missing venue for an OFFLINE or
// HYBRID course or a venue for a WEBINAR, a venue without name or regency or with an unknown
// province, or a capacity below 1; CAPACITY_EXCEEDED above 40 at a venue or 150 online;
// INVALID_SCHEDULE when it does not end after it starts or does not start in the future;
// HOURS_EXCEEDED when a day teaches more than 8 hours at a venue or 3 online (see
// catDailyTeaching); and SESSION_OVERLAP when a live session of the course at the same venue
// overlaps it.
func ScheduleTrainingSession(ctx context.Context, bdb *bun.DB, actor Actor, in ScheduleTrainingSessionInput) (*ScheduleTrainingSessionPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *ScheduleTrainingSessionPayload) error {
		if !actor.All && actor.Role != RoleProvider {
			return Forbid(actor, "schedule training sessions")
		}
		courseID, err := catKey(in.CourseID, TypeCourse, "courseId")
		if err != nil {
			return err
		}
		// Locking the course serializes the scheduling of its sessions, so that the overlap check
		// below sees every session committed before this one.
		course, err := catGet[Course](ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if course == nil {
			return Refuse(UserErrorCodeNotFound, "courseId", "no course has ID %s", in.CourseID)
		}
		if !actor.All && course.ProviderID != actor.ProviderID {
			return Forbid(actor, "schedule sessions of another provider's courses")
		}
		if course.Mode == DeliveryModeSelfPaced {
			return Refuse(UserErrorCodeInvalidInput, "courseId", "a SELF_PACED course has no sessions")
		}
		atVenue := catHasVenue(course.Mode)
		s := &TrainingSession{CourseID: courseID, StartsAt: in.StartsAt, EndsAt: in.EndsAt, Capacity: in.Capacity,
			Status: TrainingSessionStatusOpen}
		switch {
		case atVenue && in.Venue == nil:
			return Refuse(UserErrorCodeInvalidInput, "venue", "a session of a %s course needs a venue", course.Mode)
		case !atVenue && in.Venue != nil:
			return Refuse(UserErrorCodeInvalidInput, "venue", "a session of a %s course takes place online: omit the venue", course.Mode)
		case atVenue:
			v := in.Venue
			name, regency := strings.TrimSpace(v.Name), strings.TrimSpace(v.Regency)
			switch {
			case name == "" || utf8.RuneCountInString(name) > catMaxNameLength:
				return catRefuseAt(UserErrorCodeInvalidInput, []string{"venue", "name"}, "the venue's name must be 1 to %d characters", catMaxNameLength)
			case regency == "" || utf8.RuneCountInString(regency) > catMaxNameLength:
				return catRefuseAt(UserErrorCodeInvalidInput, []string{"venue", "regency"}, "the venue's regency or city must be 1 to %d characters", catMaxNameLength)
			}
			if ok, err := catProvinceExists(ctx, tx, v.ProvinceCode); err != nil {
				return err
			} else if !ok {
				return catRefuseAt(UserErrorCodeInvalidInput, []string{"venue", "provinceCode"}, "%q is not a province code", v.ProvinceCode)
			}
			typ, province := v.Type, v.ProvinceCode
			s.VenueType, s.VenueName, s.VenueRegency, s.VenueProvinceCode = &typ, &name, &regency, &province
		}
		if in.Capacity < 1 {
			return Refuse(UserErrorCodeInvalidInput, "capacity", "a session has at least 1 seat")
		}
		if limit := catMaxCapacity(atVenue); in.Capacity > limit {
			where := "online"
			if atVenue {
				where = "at a venue"
			}
			return Refuse(UserErrorCodeCapacityExceeded, "capacity", "a class %s holds at most %d people, not %d", where, limit, in.Capacity)
		}
		now := catNow()
		if !in.EndsAt.After(in.StartsAt) {
			return Refuse(UserErrorCodeInvalidSchedule, "endsAt", "a session must end after it starts")
		}
		if !in.StartsAt.After(now) {
			return Refuse(UserErrorCodeInvalidSchedule, "startsAt", "a session must start in the future")
		}
		daily, days := catDailyTeaching(in.StartsAt, in.EndsAt)
		if limit := time.Duration(catMaxHoursPerDay(atVenue)) * time.Hour; daily > limit {
			return Refuse(UserErrorCodeHoursExceeded, "endsAt",
				"a %s session teaches at most %s a day; this one teaches %s a day over %d day(s)",
				course.Mode, catHours(limit), catHours(daily), days)
		}
		if atVenue {
			var overlapping []int64
			if err := tx.NewRaw(`SELECT id FROM training_sessions WHERE course_id = ? AND status <> 'CANCELLED'
				AND venue_name IS NOT NULL AND lower(btrim(venue_name)) = lower(?)
				AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 1`,
				courseID, *s.VenueName, in.EndsAt, in.StartsAt).Scan(ctx, &overlapping); err != nil {
				return fmt.Errorf("schedule training session: check overlaps: %w", err)
			}
			if len(overlapping) > 0 {
				return Refuse(UserErrorCodeSessionOverlap, "startsAt", "session %s of this course at %s overlaps these times",
					IntNodeID(TypeTrainingSession, overlapping[0]), *s.VenueName)
			}
		}
		if _, err := tx.NewInsert().Model(s).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("schedule training session: %w", err)
		}
		if err := Audit(ctx, tx, actor, "scheduleTrainingSession", TypeTrainingSession, s.ID, nil, s); err != nil {
			return err
		}
		p.Session = s
		return nil
	})
}

// PurchaseTraining buys a training for a participant: it snapshots the listing's price, takes a
// seat of the session and debits the balance, all or nothing. ADMIN, the PLATFORM that sells the
// listing, or the PARTICIPANT themself may; others get EUNAUTHENTICATED or EFORBIDDEN.
//
// It is idempotent per (platform, orderId): a repeated order for the same participant, listing and
// session returns the enrollment the first call made, with no second debit, while an order ID used
// for anything else is refused with ORDER_CONFLICT. Concurrent retries are settled by the unique
// (platform_id, order_id) constraint: the enrollment is inserted before the seat and the balance
// move, so a retry that loses the race has changed nothing and answers with the winner's
// enrollment.
//
// It refuses with INVALID_ID, INVALID_INPUT (orderId), NOT_FOUND (participantId, listingId,
// sessionId), NOT_ACTIVE, PURCHASE_WINDOW_CLOSED (the first purchase deadline passed before any
// purchase, or the leftover balance expired), SESSION_REQUIRED, SESSION_MISMATCH, SESSION_CLOSED
// (cancelled, started or over), SESSION_FULL, INSUFFICIENT_BALANCE and ORDER_CONFLICT.
func PurchaseTraining(ctx context.Context, bdb *bun.DB, actor Actor, in PurchaseTrainingInput) (*PurchaseTrainingPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *PurchaseTrainingPayload) error {
		if !actor.All && actor.Role != RolePlatform && actor.Role != RoleParticipant {
			return Forbid(actor, "purchase trainings")
		}
		participantID, err := catKey(in.ParticipantID, TypeParticipant, "participantId")
		if err != nil {
			return err
		}
		listingID, err := catKey(in.ListingID, TypeListing, "listingId")
		if err != nil {
			return err
		}
		var sessionID *int64
		if in.SessionID != nil {
			k, err := catKey(*in.SessionID, TypeTrainingSession, "sessionId")
			if err != nil {
				return err
			}
			sessionID = &k
		}
		if !actor.All && actor.Role == RoleParticipant && participantID != actor.ParticipantID {
			return Forbid(actor, "purchase trainings for another participant")
		}
		orderID := strings.TrimSpace(in.OrderID)
		if orderID == "" || len(orderID) > catMaxOrderIDLength {
			return Refuse(UserErrorCodeInvalidInput, "orderId", "an order ID is 1 to %d characters", catMaxOrderIDLength)
		}
		listing, err := catGet[Listing](ctx, tx, listingID, false)
		if err != nil {
			return err
		}
		if listing == nil {
			return Refuse(UserErrorCodeNotFound, "listingId", "no listing has ID %s", in.ListingID)
		}
		if !actor.All && actor.Role == RolePlatform && listing.PlatformID != actor.PlatformID {
			return Forbid(actor, "sell another platform's listings")
		}
		order := catOrder{platformID: listing.PlatformID, orderID: orderID, participantID: participantID,
			listingID: listingID, sessionID: sessionID, in: in}

		// Idempotency first: a retried order gets its enrollment back whatever happened since
		// (the session may be full by now, the balance spent).
		if done, err := order.replay(ctx, tx, actor, p); done || err != nil {
			return err
		}
		buy, err := order.check(ctx, tx, listing, catNow())
		if UserErrorsOf(err) != nil {
			// A concurrent call with this order ID may have committed since the lookup above,
			// and spent the seat or the balance this one would need: it answers then.
			if done, rerr := order.replay(ctx, tx, actor, p); done || rerr != nil {
				return rerr
			}
		}
		if err != nil {
			return err
		}
		return order.write(ctx, tx, actor, buy, p)
	})
}

// catOrder is a purchase, as its platform's order ID identifies it.
type catOrder struct {
	platformID    int64
	orderID       string
	participantID int64
	listingID     int64
	sessionID     *int64
	in            PurchaseTrainingInput
}

// catPurchase is what a checked order buys.
type catPurchase struct {
	buyer   *Participant
	listing *Listing
	course  *Course
}

// replay looks the order up. When an enrollment has its order ID, replay fills p with it and the
// buyer and reports done; it refuses with ORDER_CONFLICT when that enrollment is of another
// participant, listing or session.
func (o *catOrder) replay(ctx context.Context, tx bun.IDB, actor Actor, p *PurchaseTrainingPayload) (done bool, err error) {
	e := new(Enrollment)
	if err := tx.NewSelect().Model(e).Where("platform_id = ? AND order_id = ?", o.platformID, o.orderID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("purchase training: find order: %w", err)
	}
	sameSession := (e.SessionID == nil) == (o.sessionID == nil) && (e.SessionID == nil || *e.SessionID == *o.sessionID)
	if e.ParticipantID != o.participantID || e.ListingID != o.listingID || !sameSession {
		return true, Refuse(UserErrorCodeOrderConflict, "orderId", "order %q was already used on this platform for a different purchase", o.orderID)
	}
	buyer, err := catGet[Participant](ctx, tx, e.ParticipantID, false)
	if err != nil {
		return true, err
	}
	maskParticipant(buyer, actor.Scope)
	p.Enrollment, p.Participant = e, buyer
	return true, nil
}

// check applies the rules of a purchase at now, reading without locks: the buyer is ACTIVE and
// inside the purchase window, the session (when the course runs in sessions) is of the course and
// sells seats, and the balance covers the price. The writes that follow are conditional, so that a
// change since this check is still refused.
func (o *catOrder) check(ctx context.Context, tx bun.IDB, listing *Listing, now time.Time) (*catPurchase, error) {
	buyer, err := catGet[Participant](ctx, tx, o.participantID, false)
	if err != nil {
		return nil, err
	}
	if buyer == nil {
		return nil, Refuse(UserErrorCodeNotFound, "participantId", "no participant has ID %s", o.in.ParticipantID)
	}
	if buyer.Status != ParticipantStatusActive {
		return nil, Refuse(UserErrorCodeNotActive, "participantId", "the participant is %s, not ACTIVE: only a card holder can buy", buyer.Status)
	}
	if buyer.BalanceExpiresAt != nil && !now.Before(*buyer.BalanceExpiresAt) {
		return nil, Refuse(UserErrorCodePurchaseWindowClosed, "participantId", "the leftover balance expired at %s",
			buyer.BalanceExpiresAt.In(Jakarta).Format(time.RFC3339))
	}
	if buyer.PurchaseDeadline != nil && now.After(*buyer.PurchaseDeadline) {
		var bought bool
		if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = ?)", o.participantID).Scan(ctx, &bought); err != nil {
			return nil, fmt.Errorf("purchase training: %w", err)
		}
		if !bought {
			return nil, Refuse(UserErrorCodePurchaseWindowClosed, "participantId", "the first purchase deadline passed at %s",
				buyer.PurchaseDeadline.In(Jakarta).Format(time.RFC3339))
		}
	}
	course, err := catGet[Course](ctx, tx, listing.CourseID, false)
	if err != nil {
		return nil, err
	}
	if course == nil {
		return nil, fmt.Errorf("purchase training: listing %d has no course %d", listing.ID, listing.CourseID)
	}
	switch {
	case course.Mode == DeliveryModeSelfPaced && o.sessionID != nil:
		return nil, Refuse(UserErrorCodeSessionMismatch, "sessionId", "the course is SELF_PACED and has no sessions: omit sessionId")
	case course.Mode != DeliveryModeSelfPaced && o.sessionID == nil:
		return nil, Refuse(UserErrorCodeSessionRequired, "sessionId", "the course runs in sessions (%s): name the session to buy a seat of", course.Mode)
	case o.sessionID != nil:
		s, err := catGet[TrainingSession](ctx, tx, *o.sessionID, false)
		if err != nil {
			return nil, err
		}
		switch {
		case s == nil:
			return nil, Refuse(UserErrorCodeNotFound, "sessionId", "no session has ID %s", *o.in.SessionID)
		case s.CourseID != course.ID:
			return nil, Refuse(UserErrorCodeSessionMismatch, "sessionId", "the session is not of the listed course")
		}
		if refusal := catSessionSells(s, now); refusal != nil {
			return nil, refusal
		}
	}
	if buyer.Balance < listing.Price {
		return nil, catInsufficient(buyer.Balance, listing.Price)
	}
	return &catPurchase{buyer: buyer, listing: listing, course: course}, nil
}

// write makes the purchase: the enrollment, then the seat, then the debit and its ledger entry.
func (o *catOrder) write(ctx context.Context, tx bun.IDB, actor Actor, b *catPurchase, p *PurchaseTrainingPayload) error {
	now := catNow()
	// The enrollment goes first: if another call with this order ID got there first, nothing
	// has moved yet and the winner's enrollment is the answer.
	e := &Enrollment{
		ParticipantID: o.participantID, ListingID: b.listing.ID, CourseID: b.course.ID, PlatformID: b.listing.PlatformID,
		ProviderID: b.course.ProviderID, SessionID: o.sessionID, ProvinceCode: b.buyer.ProvinceCode, OrderID: o.orderID,
		Price: b.listing.Price, Status: EnrollmentStatusPaid, PurchasedAt: now, RedeemCode: catRedeemCode(),
	}
	inserted, err := catInserted(tx.NewInsert().Model(e).On("CONFLICT (platform_id, order_id) DO NOTHING").Returning("*").Exec(ctx))
	if err != nil {
		return fmt.Errorf("purchase training: insert enrollment: %w", err)
	}
	if !inserted {
		if done, err := o.replay(ctx, tx, actor, p); done || err != nil {
			return err
		}
		return fmt.Errorf("purchase training: order %q conflicted but is not there", o.orderID)
	}
	if o.sessionID != nil {
		// The seat: this conditional update is the arbiter among concurrent buyers.
		var taken []int64
		if err := tx.NewRaw(`UPDATE training_sessions SET seats_taken = seats_taken + 1,
				status = CASE WHEN seats_taken + 1 >= capacity THEN 'FULL' ELSE 'OPEN' END
			WHERE id = ? AND seats_taken < capacity AND status IN ('OPEN', 'FULL') AND starts_at > ?
			RETURNING id`, *o.sessionID, now).Scan(ctx, &taken); err != nil {
			return fmt.Errorf("purchase training: take a seat: %w", err)
		}
		if len(taken) == 0 {
			s, err := catGet[TrainingSession](ctx, tx, *o.sessionID, false)
			if err != nil {
				return err
			}
			if refusal := catSessionSells(s, now); refusal != nil {
				return refusal
			}
			return Refuse(UserErrorCodeSessionFull, "sessionId", "the session has no seat left")
		}
	}
	// The debit: a conditional update again, so that the balance never goes below zero.
	price := b.listing.Price
	after := new(Participant)
	if err := tx.NewRaw(`UPDATE participants SET balance = balance - ?0
		WHERE id = ?1 AND balance >= ?0 AND status = 'ACTIVE' RETURNING *`, price, o.participantID).Scan(ctx, after); err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("purchase training: debit: %w", err)
		}
		cur, err := catGet[Participant](ctx, tx, o.participantID, false)
		if err != nil {
			return err
		}
		if cur.Status != ParticipantStatusActive {
			return Refuse(UserErrorCodeNotActive, "participantId", "the participant is %s, not ACTIVE: only a card holder can buy", cur.Status)
		}
		return catInsufficient(cur.Balance, price)
	}
	// The purchase is dated now that the buyer's row is locked: purchases and refunds of one
	// participant are then dated in the order they change the balance, so that the ledger read in
	// time order explains every balance_after.
	at := catNow()
	if _, err := tx.NewRaw("UPDATE enrollments SET purchased_at = ? WHERE id = ?", at, e.ID).Exec(ctx); err != nil {
		return fmt.Errorf("purchase training: date enrollment: %w", err)
	}
	e.PurchasedAt = at
	entry := &LedgerEntry{ParticipantID: o.participantID, Kind: LedgerKindPurchase, Amount: -price,
		BalanceAfter: after.Balance, EnrollmentID: &e.ID, CreatedAt: at}
	if _, err := tx.NewInsert().Model(entry).Exec(ctx); err != nil {
		return fmt.Errorf("purchase training: ledger: %w", err)
	}
	if _, err := tx.NewRaw("UPDATE courses SET enrollment_count = enrollment_count + 1 WHERE id = ?", b.course.ID).Exec(ctx); err != nil {
		return fmt.Errorf("purchase training: count enrollment: %w", err)
	}
	audited := struct {
		*Enrollment
		BalanceAfter int64
	}{e, after.Balance}
	if err := Audit(ctx, tx, actor, "purchaseTraining", TypeEnrollment, e.ID, nil, audited); err != nil {
		return err
	}
	maskParticipant(after, actor.Scope)
	p.Enrollment, p.Participant = e, after
	return nil
}

// catSessionSells returns SESSION_CLOSED when session s no longer sells seats at now, and
// SESSION_FULL when it has none left; nil when a seat may be taken.
func catSessionSells(s *TrainingSession, now time.Time) *Refusal {
	switch {
	case s.Status == TrainingSessionStatusCancelled:
		return Refuse(UserErrorCodeSessionClosed, "sessionId", "the session was cancelled")
	case s.Status != TrainingSessionStatusOpen && s.Status != TrainingSessionStatusFull || !s.StartsAt.After(now):
		return Refuse(UserErrorCodeSessionClosed, "sessionId", "the session started at %s and no longer sells seats",
			s.StartsAt.In(Jakarta).Format(time.RFC3339))
	case s.SeatsTaken >= s.Capacity:
		return Refuse(UserErrorCodeSessionFull, "sessionId", "the session has no seat left")
	}
	return nil
}

func catInsufficient(balance, price int64) *Refusal {
	return Refuse(UserErrorCodeInsufficientBalance, "listingId", "the balance, Rp%d, is less than the price, Rp%d", balance, price)
}

// CancelTrainingSession cancels a session that has not started: every purchase of it is refunded
// to its buyer's balance exactly once (a REFUND ledger entry each), the seats are released and the
// session is CANCELLED. ADMIN or the course's PROVIDER may; others get EUNAUTHENTICATED or
// EFORBIDDEN. It refuses with INVALID_ID, INVALID_INPUT (an empty reason), NOT_FOUND (sessionId)
// and SESSION_CLOSED (already cancelled, started or over).
func CancelTrainingSession(ctx context.Context, bdb *bun.DB, actor Actor, in CancelTrainingSessionInput) (*CancelTrainingSessionPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CancelTrainingSessionPayload) error {
		if !actor.All && actor.Role != RoleProvider {
			return Forbid(actor, "cancel training sessions")
		}
		sessionID, err := catKey(in.SessionID, TypeTrainingSession, "sessionId")
		if err != nil {
			return err
		}
		// The lock makes cancellations of one session take turns, and waits for purchases of it
		// in flight: they either commit first (and are refunded here) or find it CANCELLED.
		s, err := catGet[TrainingSession](ctx, tx, sessionID, true)
		if err != nil {
			return err
		}
		if s == nil {
			return Refuse(UserErrorCodeNotFound, "sessionId", "no session has ID %s", in.SessionID)
		}
		course, err := catGet[Course](ctx, tx, s.CourseID, false)
		if err != nil {
			return err
		}
		if !actor.All && course.ProviderID != actor.ProviderID {
			return Forbid(actor, "cancel sessions of another provider's courses")
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" || utf8.RuneCountInString(reason) > catMaxReasonLength {
			return Refuse(UserErrorCodeInvalidInput, "reason", "a reason is 1 to %d characters", catMaxReasonLength)
		}
		now := catNow()
		switch {
		case s.Status == TrainingSessionStatusCancelled:
			return Refuse(UserErrorCodeSessionClosed, "sessionId", "the session was already cancelled at %s", s.CancelledAt.In(Jakarta).Format(time.RFC3339))
		case s.Status != TrainingSessionStatusOpen && s.Status != TrainingSessionStatusFull || !s.StartsAt.After(now):
			return Refuse(UserErrorCodeSessionClosed, "sessionId", "the session started at %s: only a session that has not started can be cancelled",
				s.StartsAt.In(Jakarta).Format(time.RFC3339))
		}
		before := *s

		// With the session locked no purchase of it can start (an enrollment's foreign key needs
		// a share lock of the session row), so these are all its purchases.
		var refunds []catRefund
		if err := tx.NewRaw(`SELECT id, participant_id, price FROM enrollments
			WHERE session_id = ? AND status IN ('PAID', 'IN_PROGRESS') ORDER BY participant_id, id`,
			sessionID).Scan(ctx, &refunds); err != nil {
			return fmt.Errorf("cancel training session: find purchases: %w", err)
		}
		refunded := make([]int64, 0, len(refunds))
		buyers := make([]int64, 0, len(refunds))
		for _, r := range refunds {
			refunded = append(refunded, r.ID)
			if len(buyers) == 0 || buyers[len(buyers)-1] != r.ParticipantID {
				buyers = append(buyers, r.ParticipantID)
			}
		}
		if len(buyers) > 0 {
			// Buyers are locked in ID order, so that cancellations sharing buyers cannot deadlock.
			var locked []int64
			if err := tx.NewRaw("SELECT id FROM participants WHERE id IN (?) ORDER BY id FOR UPDATE", bun.In(buyers)).Scan(ctx, &locked); err != nil {
				return fmt.Errorf("cancel training session: lock buyers: %w", err)
			}
		}
		// Dated once the buyers are locked, like a purchase: see PurchaseTraining.
		at := catNow()
		if len(refunds) > 0 {
			if _, err := tx.NewRaw(`UPDATE enrollments SET status = 'REFUNDED', refunded_at = ? WHERE id IN (?)`,
				at, bun.In(refunded)).Exec(ctx); err != nil {
				return fmt.Errorf("cancel training session: refund enrollments: %w", err)
			}
			var credited []struct {
				ID      int64 `bun:"id"`
				Balance int64 `bun:"balance"`
			}
			if err := tx.NewRaw(`UPDATE participants p SET balance = p.balance + r.total
				FROM (SELECT participant_id, sum(price) AS total FROM enrollments WHERE id IN (?) GROUP BY participant_id) r
				WHERE p.id = r.participant_id RETURNING p.id, p.balance`, bun.In(refunded)).Scan(ctx, &credited); err != nil {
				return fmt.Errorf("cancel training session: credit buyers: %w", err)
			}
			final := make(map[int64]int64, len(credited))
			for _, c := range credited {
				final[c.ID] = c.Balance
			}
			// Walk each buyer's refunds backwards from the final balance.
			entries := make([]LedgerEntry, len(refunds))
			for i := len(refunds) - 1; i >= 0; i-- {
				r := refunds[i]
				id := r.ID
				entries[i] = LedgerEntry{ParticipantID: r.ParticipantID, Kind: LedgerKindRefund, Amount: r.Price,
					BalanceAfter: final[r.ParticipantID], EnrollmentID: &id, CreatedAt: at}
				final[r.ParticipantID] -= r.Price
			}
			if _, err := tx.NewInsert().Model(&entries).Exec(ctx); err != nil {
				return fmt.Errorf("cancel training session: ledger: %w", err)
			}
			if _, err := tx.NewRaw("UPDATE courses SET enrollment_count = enrollment_count - ? WHERE id = ?", len(refunds), s.CourseID).Exec(ctx); err != nil {
				return fmt.Errorf("cancel training session: uncount enrollments: %w", err)
			}
		}
		if err := tx.NewRaw(`UPDATE training_sessions SET status = 'CANCELLED', seats_taken = 0, cancelled_at = ?, cancel_reason = ?
			WHERE id = ? RETURNING *`, at, reason, sessionID).Scan(ctx, s); err != nil {
			return fmt.Errorf("cancel training session: %w", err)
		}
		audited := struct {
			*TrainingSession
			RefundedEnrollmentIDs []int64
		}{s, refunded}
		if err := Audit(ctx, tx, actor, "cancelTrainingSession", TypeTrainingSession, s.ID, &before, audited); err != nil {
			return err
		}
		p.Session, p.RefundedCount = s, len(refunds)
		return nil
	})
}

// catRefund is an enrollment refunded by a cancellation.
type catRefund struct {
	ID            int64 `bun:"id"`
	ParticipantID int64 `bun:"participant_id"`
	Price         int64 `bun:"price"`
}

// CompleteTraining records the outcome of a training: passed (the default) makes the enrollment
// COMPLETED and issues its certificate with a fresh public number; not passed makes it
// NOT_COMPLETED. ADMIN, the course's PROVIDER, or the PLATFORM that sold it may; others get
// EUNAUTHENTICATED or EFORBIDDEN. It refuses with INVALID_ID, NOT_FOUND (enrollmentId) and
// ENROLLMENT_STATE (the enrollment is not PAID or IN_PROGRESS, or its session has not started).
func CompleteTraining(ctx context.Context, bdb *bun.DB, actor Actor, in CompleteTrainingInput) (*CompleteTrainingPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CompleteTrainingPayload) error {
		if !actor.All && actor.Role != RoleProvider && actor.Role != RolePlatform {
			return Forbid(actor, "record training outcomes")
		}
		enrollmentID, err := catKey(in.EnrollmentID, TypeEnrollment, "enrollmentId")
		if err != nil {
			return err
		}
		// Locked, so that two outcomes of one enrollment take turns and the second sees the first.
		e, err := catGet[Enrollment](ctx, tx, enrollmentID, true)
		if err != nil {
			return err
		}
		if e == nil {
			return Refuse(UserErrorCodeNotFound, "enrollmentId", "no enrollment has ID %s", in.EnrollmentID)
		}
		switch {
		case actor.All:
		case actor.Role == RoleProvider && e.ProviderID == actor.ProviderID:
		case actor.Role == RolePlatform && e.PlatformID == actor.PlatformID:
		default:
			return Forbid(actor, "record the outcome of another's training")
		}
		if e.Status != EnrollmentStatusPaid && e.Status != EnrollmentStatusInProgress {
			return Refuse(UserErrorCodeEnrollmentState, "enrollmentId", "the enrollment is %s: only a PAID or IN_PROGRESS training can be completed", e.Status)
		}
		now := catNow()
		started := now
		if e.SessionID != nil {
			s, err := catGet[TrainingSession](ctx, tx, *e.SessionID, false)
			if err != nil {
				return err
			}
			if s.StartsAt.After(now) {
				return Refuse(UserErrorCodeEnrollmentState, "enrollmentId", "the session starts at %s: a training can be completed only once it has started",
					s.StartsAt.In(Jakarta).Format(time.RFC3339))
			}
			started = s.StartsAt
		}
		before := *e
		if e.StartedAt == nil {
			e.StartedAt = &started
		}
		passed := in.Passed == nil || *in.Passed
		e.Status = EnrollmentStatusNotCompleted
		if passed {
			e.Status, e.CompletedAt = EnrollmentStatusCompleted, &now
		}
		if _, err := tx.NewUpdate().Model(e).Column("status", "started_at", "completed_at").WherePK().Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("complete training: %w", err)
		}
		var cert *Certificate
		if passed {
			if cert, err = catIssueCertificate(ctx, tx, e.ID, now); err != nil {
				return err
			}
		}
		audited := struct {
			*Enrollment
			Certificate *Certificate
		}{e, cert}
		if err := Audit(ctx, tx, actor, "completeTraining", TypeEnrollment, e.ID, &before, audited); err != nil {
			return err
		}
		p.Enrollment, p.Certificate = e, cert
		return nil
	})
}

// catIssueCertificate issues the certificate of enrollment enrollmentID with a fresh random
// number, drawing again in the unlikely case that the number is taken.
func catIssueCertificate(ctx context.Context, tx bun.IDB, enrollmentID int64, issued time.Time) (*Certificate, error) {
	for range 5 {
		c := &Certificate{EnrollmentID: enrollmentID, Number: catCertificateNumber(issued), IssuedAt: issued}
		inserted, err := catInserted(tx.NewInsert().Model(c).On("CONFLICT (number) DO NOTHING").Returning("*").Exec(ctx))
		if err != nil {
			return nil, fmt.Errorf("issue certificate: %w", err)
		}
		if inserted {
			return c, nil
		}
	}
	return nil, fmt.Errorf("issue certificate: no free number after 5 draws")
}
