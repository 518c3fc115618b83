package db

import "time"

// The inputs and payloads of the mutations, bound by gqlgen to the GraphQL types of the same names.

// RegisterParticipantInput is the input of registerParticipant.
type RegisterParticipantInput struct {
	NIK              string
	KKNumber         string
	FullName         string
	BirthDate        time.Time
	Gender           Gender
	Email            string
	Phone            string
	Education        Education
	EmploymentStatus EmploymentStatus
}

// RegisterParticipantPayload is the result of registerParticipant.
type RegisterParticipantPayload struct {
	Participant *Participant
	UserErrors  []*UserError
}

// ProvinceQuotaInput is part of a mutation input.
type ProvinceQuotaInput struct {
	ProvinceCode string
	Quota        int
}

// CreateWaveInput is the input of createWave.
type CreateWaveInput struct {
	Number         int
	Scheme         SchemeCode
	OpensAt        time.Time
	ClosesAt       time.Time
	Quota          int
	ProvinceQuotas []*ProvinceQuotaInput
}

// CreateWavePayload is the result of createWave.
type CreateWavePayload struct {
	Wave       *Wave
	UserErrors []*UserError
}

// OpenWaveInput is the input of openWave.
type OpenWaveInput struct {
	WaveNumber int
}

// OpenWavePayload is the result of openWave.
type OpenWavePayload struct {
	Wave       *Wave
	UserErrors []*UserError
}

// CloseWaveInput is the input of closeWave.
type CloseWaveInput struct {
	WaveNumber int
}

// CloseWavePayload is the result of closeWave.
type CloseWavePayload struct {
	Wave       *Wave
	UserErrors []*UserError
}

// JoinWaveInput is the input of joinWave.
type JoinWaveInput struct {
	ParticipantID NodeID
	WaveNumber    int
}

// JoinWavePayload is the result of joinWave.
type JoinWavePayload struct {
	Participant *Participant
	Wave        *Wave
	UserErrors  []*UserError
}

// DrawWaveInput is the input of drawWave.
type DrawWaveInput struct {
	WaveNumber int
	Seed       string
}

// DrawWavePayload is the result of drawWave.
type DrawWavePayload struct {
	Wave             *Wave
	SelectedCount    int
	NotSelectedCount int
	IneligibleCount  int
	UserErrors       []*UserError
}

// CreateProviderInput is the input of createProvider.
type CreateProviderInput struct {
	Name         string
	Kind         ProviderKind
	NIB          *string
	ProvinceCode string
}

// CreateProviderPayload is the result of createProvider.
type CreateProviderPayload struct {
	Provider   *Provider
	UserErrors []*UserError
}

// CreateCourseInput is the input of createCourse.
type CreateCourseInput struct {
	ProviderID    NodeID
	Title         string
	Description   *string
	Category      string
	Mode          DeliveryMode
	DurationHours int
}

// CreateCoursePayload is the result of createCourse.
type CreateCoursePayload struct {
	Course     *Course
	UserErrors []*UserError
}

// ListCourseInput is the input of listCourse.
type ListCourseInput struct {
	CourseID   NodeID
	PlatformID NodeID
	Price      int64
}

// ListCoursePayload is the result of listCourse.
type ListCoursePayload struct {
	Listing    *Listing
	UserErrors []*UserError
}

// VenueInput is part of a mutation input.
type VenueInput struct {
	Type         VenueType
	Name         string
	ProvinceCode string
	Regency      string
}

// ScheduleTrainingSessionInput is the input of scheduleTrainingSession.
type ScheduleTrainingSessionInput struct {
	CourseID NodeID
	StartsAt time.Time
	EndsAt   time.Time
	Capacity int
	Venue    *VenueInput
}

// ScheduleTrainingSessionPayload is the result of scheduleTrainingSession.
type ScheduleTrainingSessionPayload struct {
	Session    *TrainingSession
	UserErrors []*UserError
}

// PurchaseTrainingInput is the input of purchaseTraining.
type PurchaseTrainingInput struct {
	ParticipantID NodeID
	ListingID     NodeID
	SessionID     *NodeID
	OrderID       string
}

// PurchaseTrainingPayload is the result of purchaseTraining.
type PurchaseTrainingPayload struct {
	Enrollment  *Enrollment
	Participant *Participant
	UserErrors  []*UserError
}

// CancelTrainingSessionInput is the input of cancelTrainingSession.
type CancelTrainingSessionInput struct {
	SessionID NodeID
	Reason    string
}

// CancelTrainingSessionPayload is the result of cancelTrainingSession.
type CancelTrainingSessionPayload struct {
	Session       *TrainingSession
	RefundedCount int
	UserErrors    []*UserError
}

// CompleteTrainingInput is the input of completeTraining.
type CompleteTrainingInput struct {
	EnrollmentID NodeID
	Passed       *bool
}

// CompleteTrainingPayload is the result of completeTraining.
type CompleteTrainingPayload struct {
	Enrollment  *Enrollment
	Certificate *Certificate
	UserErrors  []*UserError
}

// SubmitReviewInput is the input of submitReview.
type SubmitReviewInput struct {
	EnrollmentID NodeID
	Rating       int
	Comment      string
}

// SubmitReviewPayload is the result of submitReview.
type SubmitReviewPayload struct {
	Review     *Review
	Incentives []*Incentive
	UserErrors []*UserError
}

// LinkPayoutAccountInput is the input of linkPayoutAccount.
type LinkPayoutAccountInput struct {
	ParticipantID NodeID
	Channel       PayoutChannel
	AccountNumber string
	HolderName    string
}

// LinkPayoutAccountPayload is the result of linkPayoutAccount.
type LinkPayoutAccountPayload struct {
	PayoutAccount *PayoutAccount
	UserErrors    []*UserError
}

// DisburseIncentivesInput is the input of disburseIncentives.
type DisburseIncentivesInput struct {
	DueBy     time.Time
	BatchSize *int
}

// DisburseIncentivesPayload is the result of disburseIncentives.
type DisburseIncentivesPayload struct {
	PaidCount   int
	FailedCount int
	BatchCount  int
	UserErrors  []*UserError
}

// CompleteSurveyInput is the input of completeSurvey.
type CompleteSurveyInput struct {
	ParticipantID NodeID
	Sequence      int
}

// CompleteSurveyPayload is the result of completeSurvey.
type CompleteSurveyPayload struct {
	Incentive  *Incentive
	UserErrors []*UserError
}

// RevokeLapsedParticipantsInput is the input of revokeLapsedParticipants.
type RevokeLapsedParticipantsInput struct {
	AsOf *time.Time
}

// RevokeLapsedParticipantsPayload is the result of revokeLapsedParticipants.
type RevokeLapsedParticipantsPayload struct {
	RevokedCount int
	UserErrors   []*UserError
}

// RecordPlacementInput is the input of recordPlacement.
type RecordPlacementInput struct {
	ParticipantID NodeID
	EnrollmentID  *NodeID
	Employer      string
	Position      string
	Status        PlacementStatus
	StartedOn     *time.Time
}

// RecordPlacementPayload is the result of recordPlacement.
type RecordPlacementPayload struct {
	Placement  *Placement
	UserErrors []*UserError
}

// setUserErrors lets the mutation helper fill in any payload's user errors.
func (p *RegisterParticipantPayload) setUserErrors(e []*UserError)      { p.UserErrors = e }
func (p *CreateWavePayload) setUserErrors(e []*UserError)               { p.UserErrors = e }
func (p *OpenWavePayload) setUserErrors(e []*UserError)                 { p.UserErrors = e }
func (p *CloseWavePayload) setUserErrors(e []*UserError)                { p.UserErrors = e }
func (p *JoinWavePayload) setUserErrors(e []*UserError)                 { p.UserErrors = e }
func (p *DrawWavePayload) setUserErrors(e []*UserError)                 { p.UserErrors = e }
func (p *CreateProviderPayload) setUserErrors(e []*UserError)           { p.UserErrors = e }
func (p *CreateCoursePayload) setUserErrors(e []*UserError)             { p.UserErrors = e }
func (p *ListCoursePayload) setUserErrors(e []*UserError)               { p.UserErrors = e }
func (p *ScheduleTrainingSessionPayload) setUserErrors(e []*UserError)  { p.UserErrors = e }
func (p *PurchaseTrainingPayload) setUserErrors(e []*UserError)         { p.UserErrors = e }
func (p *CancelTrainingSessionPayload) setUserErrors(e []*UserError)    { p.UserErrors = e }
func (p *CompleteTrainingPayload) setUserErrors(e []*UserError)         { p.UserErrors = e }
func (p *SubmitReviewPayload) setUserErrors(e []*UserError)             { p.UserErrors = e }
func (p *LinkPayoutAccountPayload) setUserErrors(e []*UserError)        { p.UserErrors = e }
func (p *DisburseIncentivesPayload) setUserErrors(e []*UserError)       { p.UserErrors = e }
func (p *CompleteSurveyPayload) setUserErrors(e []*UserError)           { p.UserErrors = e }
func (p *RevokeLapsedParticipantsPayload) setUserErrors(e []*UserError) { p.UserErrors = e }
func (p *RecordPlacementPayload) setUserErrors(e []*UserError)          { p.UserErrors = e }
