package db

import (
	"time"

	"github.com/uptrace/bun"
)

// Province is one of the 38 provinces, keyed by its Kemendagri code (the first two digits of a NIK).
type Province struct {
	bun.BaseModel `bun:"table:provinces,alias:pv"`
	Code          string `bun:"code,pk"`
	Name          string `bun:"name"`
	Island        string `bun:"island"`
}

// BenefitScheme holds the amounts and deadlines of one scheme. Amounts live in data, not in code.
type BenefitScheme struct {
	bun.BaseModel         `bun:"table:benefit_schemes,alias:bs"`
	Code                  SchemeCode `bun:"code,pk"`
	Name                  string     `bun:"name"`
	FirstWave             int        `bun:"first_wave"`
	LastWave              *int       `bun:"last_wave"`
	TrainingBalance       int64      `bun:"training_balance"`
	IncentiveAmount       int64      `bun:"incentive_amount"`
	IncentiveInstallments int        `bun:"incentive_installments"`
	SurveyAmount          int64      `bun:"survey_amount"`
	SurveyCount           int        `bun:"survey_count"`
	PurchaseDeadlineDays  int        `bun:"purchase_deadline_days"`
	RemainingBalanceDays  *int       `bun:"remaining_balance_days"`
}

// TotalBenefit is the balance plus every incentive a participant of the scheme can receive.
func (s *BenefitScheme) TotalBenefit() int64 {
	return s.TrainingBalance + s.IncentiveAmount*int64(s.IncentiveInstallments) + s.SurveyAmount*int64(s.SurveyCount)
}

// Wave is a registration wave (gelombang) with its quota and draw.
type Wave struct {
	bun.BaseModel  `bun:"table:waves,alias:w"`
	ID             int64      `bun:"id,pk,autoincrement"`
	Number         int        `bun:"number"`
	SchemeCode     SchemeCode `bun:"scheme_code"`
	Status         WaveStatus `bun:"status"`
	OpensAt        time.Time  `bun:"opens_at"`
	ClosesAt       time.Time  `bun:"closes_at"`
	Quota          int        `bun:"quota"`
	ApplicantCount int        `bun:"applicant_count"`
	SelectedCount  int        `bun:"selected_count"`
	DrawSeed       *int64     `bun:"draw_seed"`
	DrawnAt        *time.Time `bun:"drawn_at"`
	CreatedAt      time.Time  `bun:"created_at"`
}

// ProvinceQuota is the share of a wave's quota reserved for one province.
type ProvinceQuota struct {
	bun.BaseModel `bun:"table:wave_province_quotas,alias:wpq"`
	WaveID        int64  `bun:"wave_id,pk"`
	ProvinceCode  string `bun:"province_code,pk"`
	Quota         int    `bun:"quota"`
}

// Household is a family card (kartu keluarga); at most two participants share one.
type Household struct {
	bun.BaseModel `bun:"table:households,alias:hh"`
	KKNumber      string `bun:"kk_number,pk"`
	MemberCount   int    `bun:"member_count"`
}

// Participant is a registered person, and once selected in a wave's draw, a card holder.
type Participant struct {
	bun.BaseModel    `bun:"table:participants,alias:p"`
	ID               int64             `bun:"id,pk,autoincrement"`
	NIK              string            `bun:"nik"`
	KKNumber         string            `bun:"kk_number"`
	FullName         string            `bun:"full_name"`
	BirthDate        time.Time         `bun:"birth_date,type:date"`
	Gender           Gender            `bun:"gender"`
	ProvinceCode     string            `bun:"province_code"`
	Email            string            `bun:"email"`
	Phone            string            `bun:"phone"`
	Education        Education         `bun:"education"`
	EmploymentStatus EmploymentStatus  `bun:"employment_status"`
	Status           ParticipantStatus `bun:"status"`
	WaveID           *int64            `bun:"wave_id"`
	CardNumber       *string           `bun:"card_number"`
	Balance          int64             `bun:"balance"`
	RegisteredAt     time.Time         `bun:"registered_at"`
	SelectedAt       *time.Time        `bun:"selected_at"`
	PurchaseDeadline *time.Time        `bun:"purchase_deadline"`
	BalanceExpiresAt *time.Time        `bun:"balance_expires_at"`
	RevokedAt        *time.Time        `bun:"revoked_at"`
}

// Age returns the participant's age in whole years on the current day in Indonesia.
func (p *Participant) Age() int { return ageOn(p.BirthDate, time.Now().In(Jakarta)) }

func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// WaveApplication is a person's application to one wave and its outcome.
type WaveApplication struct {
	bun.BaseModel `bun:"table:wave_applications,alias:wa"`
	ID            int64                 `bun:"id,pk,autoincrement"`
	WaveID        int64                 `bun:"wave_id"`
	ParticipantID int64                 `bun:"participant_id"`
	Status        WaveApplicationStatus `bun:"status"`
	AppliedAt     time.Time             `bun:"applied_at"`
	DecidedAt     *time.Time            `bun:"decided_at"`
}

// Platform is a digital platform (mitra platform digital) that sells courses.
type Platform struct {
	bun.BaseModel `bun:"table:platforms,alias:pf"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Code          string    `bun:"code"`
	Name          string    `bun:"name"`
	Website       string    `bun:"website"`
	JoinedOn      time.Time `bun:"joined_on,type:date"`
}

// Provider is a training provider (lembaga pelatihan).
type Provider struct {
	bun.BaseModel `bun:"table:providers,alias:pr"`
	ID            int64        `bun:"id,pk,autoincrement"`
	Name          string       `bun:"name"`
	Kind          ProviderKind `bun:"kind"`
	NIB           *string      `bun:"nib"`
	ProvinceCode  string       `bun:"province_code"`
	CreatedAt     time.Time    `bun:"created_at"`
}

// Course is a training course of a provider.
type Course struct {
	bun.BaseModel   `bun:"table:courses,alias:c"`
	ID              int64        `bun:"id,pk,autoincrement"`
	ProviderID      int64        `bun:"provider_id"`
	Title           string       `bun:"title"`
	Description     string       `bun:"description"`
	Category        string       `bun:"category"`
	Mode            DeliveryMode `bun:"mode"`
	DurationHours   int          `bun:"duration_hours"`
	MinPrice        int64        `bun:"min_price"`
	ReviewCount     int          `bun:"review_count"`
	RatingSum       int64        `bun:"rating_sum"`
	EnrollmentCount int          `bun:"enrollment_count"`
	CreatedAt       time.Time    `bun:"created_at"`
	// ProviderName is the provider's name, read with the course by a page of courses or a lookup
	// by id when asked for by name (WithColumns "provider_name"; a join), otherwise nil.
	ProviderName *string `bun:"provider_name,scanonly" json:"-"`
}

// Rating is the course's average review rating rounded to two decimals, or nil before any review.
func (c *Course) Rating() *float64 {
	if c.ReviewCount == 0 {
		return nil
	}
	r := float64(c.RatingSum*100/int64(c.ReviewCount)) / 100
	if rem := c.RatingSum * 100 % int64(c.ReviewCount); rem*2 >= int64(c.ReviewCount) {
		r += 0.01
	}
	r = float64(int64(r*100+0.5)) / 100
	return &r
}

// Listing is a course sold on one platform at that platform's price.
type Listing struct {
	bun.BaseModel `bun:"table:course_listings,alias:cl"`
	ID            int64     `bun:"id,pk,autoincrement"`
	CourseID      int64     `bun:"course_id"`
	PlatformID    int64     `bun:"platform_id"`
	Price         int64     `bun:"price"`
	ListedAt      time.Time `bun:"listed_at"`
}

// TrainingSession is a scheduled run of a course, at a venue when it is offline.
type TrainingSession struct {
	bun.BaseModel     `bun:"table:training_sessions,alias:ts"`
	ID                int64                 `bun:"id,pk,autoincrement"`
	CourseID          int64                 `bun:"course_id"`
	StartsAt          time.Time             `bun:"starts_at"`
	EndsAt            time.Time             `bun:"ends_at"`
	Capacity          int                   `bun:"capacity"`
	SeatsTaken        int                   `bun:"seats_taken"`
	Status            TrainingSessionStatus `bun:"status"`
	VenueType         *VenueType            `bun:"venue_type"`
	VenueName         *string               `bun:"venue_name"`
	VenueRegency      *string               `bun:"venue_regency"`
	VenueProvinceCode *string               `bun:"venue_province_code"`
	CancelledAt       *time.Time            `bun:"cancelled_at"`
	CancelReason      *string               `bun:"cancel_reason"`
}

// SeatsLeft is the number of seats still for sale.
func (s *TrainingSession) SeatsLeft() int { return s.Capacity - s.SeatsTaken }

// Venue returns where an offline session takes place, or nil for an online one.
func (s *TrainingSession) Venue() *Venue {
	if s.VenueType == nil {
		return nil
	}
	return &Venue{Type: *s.VenueType, Name: deref(s.VenueName), Regency: deref(s.VenueRegency), ProvinceCode: deref(s.VenueProvinceCode)}
}

// Venue is the place of an offline session.
type Venue struct {
	Type         VenueType
	Name         string
	Regency      string
	ProvinceCode string
}

// Enrollment is a purchase of a training: the listing's price snapshotted and debited.
type Enrollment struct {
	bun.BaseModel `bun:"table:enrollments,alias:e"`
	ID            int64            `bun:"id,pk,autoincrement"`
	ParticipantID int64            `bun:"participant_id"`
	ListingID     int64            `bun:"listing_id"`
	CourseID      int64            `bun:"course_id"`
	PlatformID    int64            `bun:"platform_id"`
	ProviderID    int64            `bun:"provider_id"`
	SessionID     *int64           `bun:"session_id"`
	ProvinceCode  string           `bun:"province_code"`
	OrderID       string           `bun:"order_id"`
	Price         int64            `bun:"price"`
	Status        EnrollmentStatus `bun:"status"`
	PurchasedAt   time.Time        `bun:"purchased_at"`
	StartedAt     *time.Time       `bun:"started_at"`
	CompletedAt   *time.Time       `bun:"completed_at"`
	RefundedAt    *time.Time       `bun:"refunded_at"`
	RedeemCode    string           `bun:"redeem_code"`
	// The course's columns, read with the enrollment when asked for by name (WithColumns
	// "course_title" and the others; a join, see enrollments.joined), otherwise zero. A page's
	// enrollments with their courses and the courses' providers' names take one statement, not
	// two one after the other. CourseProviderID, never zero when read, tells that they were.
	CourseProviderID   int64        `bun:"course_provider_id,scanonly" json:"-"`
	CourseTitle        string       `bun:"course_title,scanonly" json:"-"`
	CourseCategory     string       `bun:"course_category,scanonly" json:"-"`
	CourseMode         DeliveryMode `bun:"course_mode,scanonly" json:"-"`
	CourseProviderName string       `bun:"course_provider_name,scanonly" json:"-"`
}

// LedgerEntry is one change to a participant's training balance.
type LedgerEntry struct {
	bun.BaseModel `bun:"table:balance_ledger,alias:bl"`
	ID            int64      `bun:"id,pk,autoincrement"`
	ParticipantID int64      `bun:"participant_id"`
	Kind          LedgerKind `bun:"kind"`
	Amount        int64      `bun:"amount"`
	BalanceAfter  int64      `bun:"balance_after"`
	EnrollmentID  *int64     `bun:"enrollment_id"`
	CreatedAt     time.Time  `bun:"created_at"`
}

// Certificate is issued once per completed enrollment, with a public number anyone can verify.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates,alias:ce"`
	ID            int64     `bun:"id,pk,autoincrement"`
	EnrollmentID  int64     `bun:"enrollment_id"`
	Number        string    `bun:"number"`
	IssuedAt      time.Time `bun:"issued_at"`
}

// Review is a participant's rating of a completed training.
type Review struct {
	bun.BaseModel `bun:"table:reviews,alias:rv"`
	ID            int64     `bun:"id,pk,autoincrement"`
	EnrollmentID  int64     `bun:"enrollment_id"`
	ParticipantID int64     `bun:"participant_id"`
	CourseID      int64     `bun:"course_id"`
	Rating        int       `bun:"rating"`
	Body          string    `bun:"body"`
	CreatedAt     time.Time `bun:"created_at"`
}

// PayoutAccount is a bank or e-wallet account that receives incentives.
type PayoutAccount struct {
	bun.BaseModel `bun:"table:payout_accounts,alias:pa"`
	ID            int64               `bun:"id,pk,autoincrement"`
	ParticipantID int64               `bun:"participant_id"`
	Channel       PayoutChannel       `bun:"channel"`
	AccountNumber string              `bun:"account_number"`
	AccountName   string              `bun:"account_name"`
	Status        PayoutAccountStatus `bun:"status"`
	ValidatedAt   *time.Time          `bun:"validated_at"`
	CreatedAt     time.Time           `bun:"created_at"`
}

// IncentiveSchedule ties a participant's incentives to their first training.
type IncentiveSchedule struct {
	bun.BaseModel `bun:"table:incentive_schedules,alias:isc"`
	ID            int64      `bun:"id,pk,autoincrement"`
	ParticipantID int64      `bun:"participant_id"`
	EnrollmentID  int64      `bun:"enrollment_id"`
	SchemeCode    SchemeCode `bun:"scheme_code"`
	CreatedAt     time.Time  `bun:"created_at"`
}

// Incentive is an installment of the post-training incentive, or a survey incentive.
type Incentive struct {
	bun.BaseModel   `bun:"table:incentives,alias:i"`
	ID              int64           `bun:"id,pk,autoincrement"`
	ScheduleID      int64           `bun:"schedule_id"`
	ParticipantID   int64           `bun:"participant_id"`
	WaveID          int64           `bun:"wave_id"`
	ProvinceCode    string          `bun:"province_code"`
	Kind            IncentiveKind   `bun:"kind"`
	Sequence        int             `bun:"sequence"`
	Amount          int64           `bun:"amount"`
	DueOn           time.Time       `bun:"due_on,type:date"`
	Status          IncentiveStatus `bun:"status"`
	PayoutAccountID *int64          `bun:"payout_account_id"`
	Channel         *PayoutChannel  `bun:"channel"`
	PaidAt          *time.Time      `bun:"paid_at"`
	CreatedAt       time.Time       `bun:"created_at"`
	// SurveyCompletedAt is when the survey a SURVEY incentive pays for was completed.
	SurveyCompletedAt *time.Time `bun:"survey_completed_at"`
}

// Payment is one attempt to pay an incentive, with a snapshot of the account it went to.
type Payment struct {
	bun.BaseModel  `bun:"table:payments,alias:pm"`
	ID             int64               `bun:"id,pk,autoincrement"`
	IncentiveID    int64               `bun:"incentive_id"`
	Attempt        int                 `bun:"attempt"`
	IdempotencyKey string              `bun:"idempotency_key"`
	Status         PaymentStatus       `bun:"status"`
	Amount         int64               `bun:"amount"`
	Channel        PayoutChannel       `bun:"channel"`
	AccountNumber  string              `bun:"account_number"`
	AccountName    string              `bun:"account_name"`
	FailureCode    *PaymentFailureCode `bun:"failure_code"`
	CreatedAt      time.Time           `bun:"created_at"`
	SettledAt      *time.Time          `bun:"settled_at"`
}

// Placement is a "3 in 1" placement outcome: a participant referred to an employer.
type Placement struct {
	bun.BaseModel `bun:"table:placements,alias:pl"`
	ID            int64           `bun:"id,pk,autoincrement"`
	ParticipantID int64           `bun:"participant_id"`
	EnrollmentID  *int64          `bun:"enrollment_id"`
	Employer      string          `bun:"employer"`
	Position      string          `bun:"position"`
	Status        PlacementStatus `bun:"status"`
	StartedOn     *time.Time      `bun:"started_on,type:date"`
	CreatedAt     time.Time       `bun:"created_at"`
	UpdatedAt     time.Time       `bun:"updated_at"`
}

// AuditEvent records one change: who, what, when, before and after.
type AuditEvent struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`
	ID            int64          `bun:"id,pk,autoincrement"`
	OccurredAt    time.Time      `bun:"occurred_at,nullzero,default:now()"`
	ActorSubject  string         `bun:"actor_subject"`
	ActorRole     string         `bun:"actor_role"`
	Action        string         `bun:"action"`
	EntityType    string         `bun:"entity_type"`
	EntityID      *int64         `bun:"entity_id"`
	Before        map[string]any `bun:"before,type:jsonb,nullzero"`
	After         map[string]any `bun:"after,type:jsonb,nullzero"`
	RequestID     string         `bun:"request_id,nullzero"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
