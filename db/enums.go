package db

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// The closed sets of the domain. Each is a string type whose values are the SCREAMING_SNAKE names
// stored in the database and exposed by the GraphQL enums of the same name.

// Gender enumerates the gender values.
type Gender string

// The values of Gender.
const (
	GenderMale   Gender = "MALE"
	GenderFemale Gender = "FEMALE"
)

// GenderValues lists every gender in declaration order.
var GenderValues = []Gender{GenderMale, GenderFemale}

// IsValid reports whether e is one of GenderValues.
func (e Gender) IsValid() bool { return isOneOf(e, GenderValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e Gender) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside GenderValues.
func (e *Gender) UnmarshalGQL(v any) error { return unmarshalEnum(e, v, "Gender", GenderValues) }

// Education enumerates the education level values.
type Education string

// The values of Education.
const (
	EducationPrimary             Education = "PRIMARY"
	EducationJuniorSecondary     Education = "JUNIOR_SECONDARY"
	EducationSeniorSecondary     Education = "SENIOR_SECONDARY"
	EducationVocationalSecondary Education = "VOCATIONAL_SECONDARY"
	EducationDiploma             Education = "DIPLOMA"
	EducationBachelor            Education = "BACHELOR"
	EducationPostgraduate        Education = "POSTGRADUATE"
)

// EducationValues lists every education level in declaration order.
var EducationValues = []Education{EducationPrimary, EducationJuniorSecondary, EducationSeniorSecondary, EducationVocationalSecondary, EducationDiploma, EducationBachelor, EducationPostgraduate}

// IsValid reports whether e is one of EducationValues.
func (e Education) IsValid() bool { return isOneOf(e, EducationValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e Education) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside EducationValues.
func (e *Education) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "Education", EducationValues)
}

// EmploymentStatus enumerates the employment status values.
type EmploymentStatus string

// The values of EmploymentStatus.
const (
	EmploymentStatusUnemployed         EmploymentStatus = "UNEMPLOYED"
	EmploymentStatusLaidOff            EmploymentStatus = "LAID_OFF"
	EmploymentStatusFurloughed         EmploymentStatus = "FURLOUGHED"
	EmploymentStatusInformalWorker     EmploymentStatus = "INFORMAL_WORKER"
	EmploymentStatusMicroBusinessOwner EmploymentStatus = "MICRO_BUSINESS_OWNER"
	EmploymentStatusEmployed           EmploymentStatus = "EMPLOYED"
)

// EmploymentStatusValues lists every employment status in declaration order.
var EmploymentStatusValues = []EmploymentStatus{EmploymentStatusUnemployed, EmploymentStatusLaidOff, EmploymentStatusFurloughed, EmploymentStatusInformalWorker, EmploymentStatusMicroBusinessOwner, EmploymentStatusEmployed}

// IsValid reports whether e is one of EmploymentStatusValues.
func (e EmploymentStatus) IsValid() bool { return isOneOf(e, EmploymentStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e EmploymentStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside EmploymentStatusValues.
func (e *EmploymentStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "EmploymentStatus", EmploymentStatusValues)
}

// ParticipantStatus enumerates the participant status values.
type ParticipantStatus string

// The values of ParticipantStatus.
const (
	ParticipantStatusRegistered ParticipantStatus = "REGISTERED"
	ParticipantStatusActive     ParticipantStatus = "ACTIVE"
	ParticipantStatusCompleted  ParticipantStatus = "COMPLETED"
	ParticipantStatusRevoked    ParticipantStatus = "REVOKED"
)

// ParticipantStatusValues lists every participant status in declaration order.
var ParticipantStatusValues = []ParticipantStatus{ParticipantStatusRegistered, ParticipantStatusActive, ParticipantStatusCompleted, ParticipantStatusRevoked}

// IsValid reports whether e is one of ParticipantStatusValues.
func (e ParticipantStatus) IsValid() bool { return isOneOf(e, ParticipantStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e ParticipantStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside ParticipantStatusValues.
func (e *ParticipantStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "ParticipantStatus", ParticipantStatusValues)
}

// SchemeCode enumerates the benefit scheme values.
type SchemeCode string

// The values of SchemeCode.
const (
	SchemeCodeSemiBansos SchemeCode = "SEMI_BANSOS"
	SchemeCodeNormal     SchemeCode = "NORMAL"
)

// SchemeCodeValues lists every benefit scheme in declaration order.
var SchemeCodeValues = []SchemeCode{SchemeCodeSemiBansos, SchemeCodeNormal}

// IsValid reports whether e is one of SchemeCodeValues.
func (e SchemeCode) IsValid() bool { return isOneOf(e, SchemeCodeValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e SchemeCode) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside SchemeCodeValues.
func (e *SchemeCode) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "SchemeCode", SchemeCodeValues)
}

// WaveStatus enumerates the wave status values.
type WaveStatus string

// The values of WaveStatus.
const (
	WaveStatusDraft    WaveStatus = "DRAFT"
	WaveStatusOpen     WaveStatus = "OPEN"
	WaveStatusClosed   WaveStatus = "CLOSED"
	WaveStatusDrawn    WaveStatus = "DRAWN"
	WaveStatusArchived WaveStatus = "ARCHIVED"
)

// WaveStatusValues lists every wave status in declaration order.
var WaveStatusValues = []WaveStatus{WaveStatusDraft, WaveStatusOpen, WaveStatusClosed, WaveStatusDrawn, WaveStatusArchived}

// IsValid reports whether e is one of WaveStatusValues.
func (e WaveStatus) IsValid() bool { return isOneOf(e, WaveStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e WaveStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside WaveStatusValues.
func (e *WaveStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "WaveStatus", WaveStatusValues)
}

// DeliveryMode enumerates the delivery mode values.
type DeliveryMode string

// The values of DeliveryMode.
const (
	DeliveryModeWebinar   DeliveryMode = "WEBINAR"
	DeliveryModeSelfPaced DeliveryMode = "SELF_PACED"
	DeliveryModeOffline   DeliveryMode = "OFFLINE"
	DeliveryModeHybrid    DeliveryMode = "HYBRID"
)

// DeliveryModeValues lists every delivery mode in declaration order.
var DeliveryModeValues = []DeliveryMode{DeliveryModeWebinar, DeliveryModeSelfPaced, DeliveryModeOffline, DeliveryModeHybrid}

// IsValid reports whether e is one of DeliveryModeValues.
func (e DeliveryMode) IsValid() bool { return isOneOf(e, DeliveryModeValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e DeliveryMode) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside DeliveryModeValues.
func (e *DeliveryMode) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "DeliveryMode", DeliveryModeValues)
}

// VenueType enumerates the venue type values.
type VenueType string

// The values of VenueType.
const (
	VenueTypeClassroom         VenueType = "CLASSROOM"
	VenueTypeWorkshop          VenueType = "WORKSHOP"
	VenueTypeBalaiLatihanKerja VenueType = "BALAI_LATIHAN_KERJA"
)

// VenueTypeValues lists every venue type in declaration order.
var VenueTypeValues = []VenueType{VenueTypeClassroom, VenueTypeWorkshop, VenueTypeBalaiLatihanKerja}

// IsValid reports whether e is one of VenueTypeValues.
func (e VenueType) IsValid() bool { return isOneOf(e, VenueTypeValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e VenueType) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside VenueTypeValues.
func (e *VenueType) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "VenueType", VenueTypeValues)
}

// TrainingSessionStatus enumerates the training session status values.
type TrainingSessionStatus string

// The values of TrainingSessionStatus.
const (
	TrainingSessionStatusOpen       TrainingSessionStatus = "OPEN"
	TrainingSessionStatusFull       TrainingSessionStatus = "FULL"
	TrainingSessionStatusInProgress TrainingSessionStatus = "IN_PROGRESS"
	TrainingSessionStatusCompleted  TrainingSessionStatus = "COMPLETED"
	TrainingSessionStatusCancelled  TrainingSessionStatus = "CANCELLED"
)

// TrainingSessionStatusValues lists every training session status in declaration order.
var TrainingSessionStatusValues = []TrainingSessionStatus{TrainingSessionStatusOpen, TrainingSessionStatusFull, TrainingSessionStatusInProgress, TrainingSessionStatusCompleted, TrainingSessionStatusCancelled}

// IsValid reports whether e is one of TrainingSessionStatusValues.
func (e TrainingSessionStatus) IsValid() bool { return isOneOf(e, TrainingSessionStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e TrainingSessionStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside TrainingSessionStatusValues.
func (e *TrainingSessionStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "TrainingSessionStatus", TrainingSessionStatusValues)
}

// EnrollmentStatus enumerates the enrollment status values.
type EnrollmentStatus string

// The values of EnrollmentStatus.
const (
	EnrollmentStatusPaid         EnrollmentStatus = "PAID"
	EnrollmentStatusInProgress   EnrollmentStatus = "IN_PROGRESS"
	EnrollmentStatusCompleted    EnrollmentStatus = "COMPLETED"
	EnrollmentStatusNotCompleted EnrollmentStatus = "NOT_COMPLETED"
	EnrollmentStatusRefunded     EnrollmentStatus = "REFUNDED"
)

// EnrollmentStatusValues lists every enrollment status in declaration order.
var EnrollmentStatusValues = []EnrollmentStatus{EnrollmentStatusPaid, EnrollmentStatusInProgress, EnrollmentStatusCompleted, EnrollmentStatusNotCompleted, EnrollmentStatusRefunded}

// IsValid reports whether e is one of EnrollmentStatusValues.
func (e EnrollmentStatus) IsValid() bool { return isOneOf(e, EnrollmentStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e EnrollmentStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside EnrollmentStatusValues.
func (e *EnrollmentStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "EnrollmentStatus", EnrollmentStatusValues)
}

// IncentiveKind enumerates the incentive kind values.
type IncentiveKind string

// The values of IncentiveKind.
const (
	IncentiveKindTraining IncentiveKind = "TRAINING"
	IncentiveKindSurvey   IncentiveKind = "SURVEY"
)

// IncentiveKindValues lists every incentive kind in declaration order.
var IncentiveKindValues = []IncentiveKind{IncentiveKindTraining, IncentiveKindSurvey}

// IsValid reports whether e is one of IncentiveKindValues.
func (e IncentiveKind) IsValid() bool { return isOneOf(e, IncentiveKindValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e IncentiveKind) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside IncentiveKindValues.
func (e *IncentiveKind) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "IncentiveKind", IncentiveKindValues)
}

// IncentiveStatus enumerates the incentive status values.
type IncentiveStatus string

// The values of IncentiveStatus.
const (
	IncentiveStatusPending    IncentiveStatus = "PENDING"
	IncentiveStatusScheduled  IncentiveStatus = "SCHEDULED"
	IncentiveStatusProcessing IncentiveStatus = "PROCESSING"
	IncentiveStatusPaid       IncentiveStatus = "PAID"
	IncentiveStatusFailed     IncentiveStatus = "FAILED"
	IncentiveStatusCancelled  IncentiveStatus = "CANCELLED"
	IncentiveStatusExpired    IncentiveStatus = "EXPIRED"
)

// IncentiveStatusValues lists every incentive status in declaration order.
var IncentiveStatusValues = []IncentiveStatus{IncentiveStatusPending, IncentiveStatusScheduled, IncentiveStatusProcessing, IncentiveStatusPaid, IncentiveStatusFailed, IncentiveStatusCancelled, IncentiveStatusExpired}

// IsValid reports whether e is one of IncentiveStatusValues.
func (e IncentiveStatus) IsValid() bool { return isOneOf(e, IncentiveStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e IncentiveStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside IncentiveStatusValues.
func (e *IncentiveStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "IncentiveStatus", IncentiveStatusValues)
}

// PaymentStatus enumerates the payment status values.
type PaymentStatus string

// The values of PaymentStatus.
const (
	PaymentStatusPending PaymentStatus = "PENDING"
	PaymentStatusSent    PaymentStatus = "SENT"
	PaymentStatusPaid    PaymentStatus = "PAID"
	PaymentStatusFailed  PaymentStatus = "FAILED"
)

// PaymentStatusValues lists every payment status in declaration order.
var PaymentStatusValues = []PaymentStatus{PaymentStatusPending, PaymentStatusSent, PaymentStatusPaid, PaymentStatusFailed}

// IsValid reports whether e is one of PaymentStatusValues.
func (e PaymentStatus) IsValid() bool { return isOneOf(e, PaymentStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e PaymentStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside PaymentStatusValues.
func (e *PaymentStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "PaymentStatus", PaymentStatusValues)
}

// PayoutChannel enumerates the payout channel values.
type PayoutChannel string

// The values of PayoutChannel.
const (
	PayoutChannelBni     PayoutChannel = "BNI"
	PayoutChannelBca     PayoutChannel = "BCA"
	PayoutChannelOvo     PayoutChannel = "OVO"
	PayoutChannelGopay   PayoutChannel = "GOPAY"
	PayoutChannelDana    PayoutChannel = "DANA"
	PayoutChannelLinkaja PayoutChannel = "LINKAJA"
)

// PayoutChannelValues lists every payout channel in declaration order.
var PayoutChannelValues = []PayoutChannel{PayoutChannelBni, PayoutChannelBca, PayoutChannelOvo, PayoutChannelGopay, PayoutChannelDana, PayoutChannelLinkaja}

// IsValid reports whether e is one of PayoutChannelValues.
func (e PayoutChannel) IsValid() bool { return isOneOf(e, PayoutChannelValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e PayoutChannel) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside PayoutChannelValues.
func (e *PayoutChannel) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "PayoutChannel", PayoutChannelValues)
}

// Role enumerates the role values.
type Role string

// The values of Role.
const (
	RoleAdmin       Role = "ADMIN"
	RoleAnalyst     Role = "ANALYST"
	RoleProvider    Role = "PROVIDER"
	RolePlatform    Role = "PLATFORM"
	RoleParticipant Role = "PARTICIPANT"
)

// RoleValues lists every role in declaration order.
var RoleValues = []Role{RoleAdmin, RoleAnalyst, RoleProvider, RolePlatform, RoleParticipant}

// IsValid reports whether e is one of RoleValues.
func (e Role) IsValid() bool { return isOneOf(e, RoleValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e Role) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside RoleValues.
func (e *Role) UnmarshalGQL(v any) error { return unmarshalEnum(e, v, "Role", RoleValues) }

// ProviderKind enumerates the provider kind values.
type ProviderKind string

// The values of ProviderKind.
const (
	ProviderKindPrivate    ProviderKind = "PRIVATE"
	ProviderKindGovernment ProviderKind = "GOVERNMENT"
	ProviderKindBlk        ProviderKind = "BLK"
	ProviderKindStateOwned ProviderKind = "STATE_OWNED"
)

// ProviderKindValues lists every provider kind in declaration order.
var ProviderKindValues = []ProviderKind{ProviderKindPrivate, ProviderKindGovernment, ProviderKindBlk, ProviderKindStateOwned}

// IsValid reports whether e is one of ProviderKindValues.
func (e ProviderKind) IsValid() bool { return isOneOf(e, ProviderKindValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e ProviderKind) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside ProviderKindValues.
func (e *ProviderKind) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "ProviderKind", ProviderKindValues)
}

// PayoutAccountStatus enumerates the payout account status values.
type PayoutAccountStatus string

// The values of PayoutAccountStatus.
const (
	PayoutAccountStatusPending   PayoutAccountStatus = "PENDING"
	PayoutAccountStatusValidated PayoutAccountStatus = "VALIDATED"
	PayoutAccountStatusRejected  PayoutAccountStatus = "REJECTED"
	PayoutAccountStatusReplaced  PayoutAccountStatus = "REPLACED"
)

// PayoutAccountStatusValues lists every payout account status in declaration order.
var PayoutAccountStatusValues = []PayoutAccountStatus{PayoutAccountStatusPending, PayoutAccountStatusValidated, PayoutAccountStatusRejected, PayoutAccountStatusReplaced}

// IsValid reports whether e is one of PayoutAccountStatusValues.
func (e PayoutAccountStatus) IsValid() bool { return isOneOf(e, PayoutAccountStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e PayoutAccountStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside PayoutAccountStatusValues.
func (e *PayoutAccountStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "PayoutAccountStatus", PayoutAccountStatusValues)
}

// PaymentFailureCode enumerates the payment failure code values.
type PaymentFailureCode string

// The values of PaymentFailureCode.
const (
	PaymentFailureCodeAccountInactive PaymentFailureCode = "ACCOUNT_INACTIVE"
	PaymentFailureCodeNotKyc          PaymentFailureCode = "NOT_KYC"
	PaymentFailureCodeNameNikMismatch PaymentFailureCode = "NAME_NIK_MISMATCH"
	PaymentFailureCodeProviderError   PaymentFailureCode = "PROVIDER_ERROR"
)

// PaymentFailureCodeValues lists every payment failure code in declaration order.
var PaymentFailureCodeValues = []PaymentFailureCode{PaymentFailureCodeAccountInactive, PaymentFailureCodeNotKyc, PaymentFailureCodeNameNikMismatch, PaymentFailureCodeProviderError}

// IsValid reports whether e is one of PaymentFailureCodeValues.
func (e PaymentFailureCode) IsValid() bool { return isOneOf(e, PaymentFailureCodeValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e PaymentFailureCode) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside PaymentFailureCodeValues.
func (e *PaymentFailureCode) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "PaymentFailureCode", PaymentFailureCodeValues)
}

// PlacementStatus enumerates the placement status values.
type PlacementStatus string

// The values of PlacementStatus.
const (
	PlacementStatusReferred  PlacementStatus = "REFERRED"
	PlacementStatusApplied   PlacementStatus = "APPLIED"
	PlacementStatusInterview PlacementStatus = "INTERVIEW"
	PlacementStatusHired     PlacementStatus = "HIRED"
	PlacementStatusRejected  PlacementStatus = "REJECTED"
)

// PlacementStatusValues lists every placement status in declaration order.
var PlacementStatusValues = []PlacementStatus{PlacementStatusReferred, PlacementStatusApplied, PlacementStatusInterview, PlacementStatusHired, PlacementStatusRejected}

// IsValid reports whether e is one of PlacementStatusValues.
func (e PlacementStatus) IsValid() bool { return isOneOf(e, PlacementStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e PlacementStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside PlacementStatusValues.
func (e *PlacementStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "PlacementStatus", PlacementStatusValues)
}

// WaveApplicationStatus enumerates the wave application status values.
type WaveApplicationStatus string

// The values of WaveApplicationStatus.
const (
	WaveApplicationStatusApplied     WaveApplicationStatus = "APPLIED"
	WaveApplicationStatusSelected    WaveApplicationStatus = "SELECTED"
	WaveApplicationStatusNotSelected WaveApplicationStatus = "NOT_SELECTED"
	WaveApplicationStatusIneligible  WaveApplicationStatus = "INELIGIBLE"
)

// WaveApplicationStatusValues lists every wave application status in declaration order.
var WaveApplicationStatusValues = []WaveApplicationStatus{WaveApplicationStatusApplied, WaveApplicationStatusSelected, WaveApplicationStatusNotSelected, WaveApplicationStatusIneligible}

// IsValid reports whether e is one of WaveApplicationStatusValues.
func (e WaveApplicationStatus) IsValid() bool { return isOneOf(e, WaveApplicationStatusValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e WaveApplicationStatus) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside WaveApplicationStatusValues.
func (e *WaveApplicationStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "WaveApplicationStatus", WaveApplicationStatusValues)
}

// OrderDirection enumerates the sort direction values.
type OrderDirection string

// The values of OrderDirection.
const (
	OrderDirectionAsc  OrderDirection = "ASC"
	OrderDirectionDesc OrderDirection = "DESC"
)

// OrderDirectionValues lists every sort direction in declaration order.
var OrderDirectionValues = []OrderDirection{OrderDirectionAsc, OrderDirectionDesc}

// IsValid reports whether e is one of OrderDirectionValues.
func (e OrderDirection) IsValid() bool { return isOneOf(e, OrderDirectionValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e OrderDirection) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside OrderDirectionValues.
func (e *OrderDirection) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "OrderDirection", OrderDirectionValues)
}

// WaveOrderField enumerates the wave ordering values.
type WaveOrderField string

// The values of WaveOrderField.
const (
	WaveOrderFieldNumber  WaveOrderField = "NUMBER"
	WaveOrderFieldOpensAt WaveOrderField = "OPENS_AT"
)

// WaveOrderFieldValues lists every wave ordering in declaration order.
var WaveOrderFieldValues = []WaveOrderField{WaveOrderFieldNumber, WaveOrderFieldOpensAt}

// IsValid reports whether e is one of WaveOrderFieldValues.
func (e WaveOrderField) IsValid() bool { return isOneOf(e, WaveOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e WaveOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside WaveOrderFieldValues.
func (e *WaveOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "WaveOrderField", WaveOrderFieldValues)
}

// ParticipantOrderField enumerates the participant ordering values.
type ParticipantOrderField string

// The values of ParticipantOrderField.
const (
	ParticipantOrderFieldId           ParticipantOrderField = "ID"
	ParticipantOrderFieldRegisteredAt ParticipantOrderField = "REGISTERED_AT"
	ParticipantOrderFieldFullName     ParticipantOrderField = "FULL_NAME"
	ParticipantOrderFieldBirthDate    ParticipantOrderField = "BIRTH_DATE"
	ParticipantOrderFieldBalance      ParticipantOrderField = "BALANCE"
)

// ParticipantOrderFieldValues lists every participant ordering in declaration order.
var ParticipantOrderFieldValues = []ParticipantOrderField{ParticipantOrderFieldId, ParticipantOrderFieldRegisteredAt, ParticipantOrderFieldFullName, ParticipantOrderFieldBirthDate, ParticipantOrderFieldBalance}

// IsValid reports whether e is one of ParticipantOrderFieldValues.
func (e ParticipantOrderField) IsValid() bool { return isOneOf(e, ParticipantOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e ParticipantOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside ParticipantOrderFieldValues.
func (e *ParticipantOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "ParticipantOrderField", ParticipantOrderFieldValues)
}

// ProviderOrderField enumerates the provider ordering values.
type ProviderOrderField string

// The values of ProviderOrderField.
const (
	ProviderOrderFieldId        ProviderOrderField = "ID"
	ProviderOrderFieldName      ProviderOrderField = "NAME"
	ProviderOrderFieldCreatedAt ProviderOrderField = "CREATED_AT"
)

// ProviderOrderFieldValues lists every provider ordering in declaration order.
var ProviderOrderFieldValues = []ProviderOrderField{ProviderOrderFieldId, ProviderOrderFieldName, ProviderOrderFieldCreatedAt}

// IsValid reports whether e is one of ProviderOrderFieldValues.
func (e ProviderOrderField) IsValid() bool { return isOneOf(e, ProviderOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e ProviderOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside ProviderOrderFieldValues.
func (e *ProviderOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "ProviderOrderField", ProviderOrderFieldValues)
}

// CourseOrderField enumerates the course ordering values.
type CourseOrderField string

// The values of CourseOrderField.
const (
	CourseOrderFieldId              CourseOrderField = "ID"
	CourseOrderFieldTitle           CourseOrderField = "TITLE"
	CourseOrderFieldPrice           CourseOrderField = "PRICE"
	CourseOrderFieldRating          CourseOrderField = "RATING"
	CourseOrderFieldEnrollmentCount CourseOrderField = "ENROLLMENT_COUNT"
	CourseOrderFieldCreatedAt       CourseOrderField = "CREATED_AT"
)

// CourseOrderFieldValues lists every course ordering in declaration order.
var CourseOrderFieldValues = []CourseOrderField{CourseOrderFieldId, CourseOrderFieldTitle, CourseOrderFieldPrice, CourseOrderFieldRating, CourseOrderFieldEnrollmentCount, CourseOrderFieldCreatedAt}

// IsValid reports whether e is one of CourseOrderFieldValues.
func (e CourseOrderField) IsValid() bool { return isOneOf(e, CourseOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e CourseOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside CourseOrderFieldValues.
func (e *CourseOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "CourseOrderField", CourseOrderFieldValues)
}

// TrainingSessionOrderField enumerates the training session ordering values.
type TrainingSessionOrderField string

// The values of TrainingSessionOrderField.
const (
	TrainingSessionOrderFieldId       TrainingSessionOrderField = "ID"
	TrainingSessionOrderFieldStartsAt TrainingSessionOrderField = "STARTS_AT"
)

// TrainingSessionOrderFieldValues lists every training session ordering in declaration order.
var TrainingSessionOrderFieldValues = []TrainingSessionOrderField{TrainingSessionOrderFieldId, TrainingSessionOrderFieldStartsAt}

// IsValid reports whether e is one of TrainingSessionOrderFieldValues.
func (e TrainingSessionOrderField) IsValid() bool { return isOneOf(e, TrainingSessionOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e TrainingSessionOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside TrainingSessionOrderFieldValues.
func (e *TrainingSessionOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "TrainingSessionOrderField", TrainingSessionOrderFieldValues)
}

// EnrollmentOrderField enumerates the enrollment ordering values.
type EnrollmentOrderField string

// The values of EnrollmentOrderField.
const (
	EnrollmentOrderFieldId          EnrollmentOrderField = "ID"
	EnrollmentOrderFieldPurchasedAt EnrollmentOrderField = "PURCHASED_AT"
	EnrollmentOrderFieldPrice       EnrollmentOrderField = "PRICE"
)

// EnrollmentOrderFieldValues lists every enrollment ordering in declaration order.
var EnrollmentOrderFieldValues = []EnrollmentOrderField{EnrollmentOrderFieldId, EnrollmentOrderFieldPurchasedAt, EnrollmentOrderFieldPrice}

// IsValid reports whether e is one of EnrollmentOrderFieldValues.
func (e EnrollmentOrderField) IsValid() bool { return isOneOf(e, EnrollmentOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e EnrollmentOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside EnrollmentOrderFieldValues.
func (e *EnrollmentOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "EnrollmentOrderField", EnrollmentOrderFieldValues)
}

// IncentiveOrderField enumerates the incentive ordering values.
type IncentiveOrderField string

// The values of IncentiveOrderField.
const (
	IncentiveOrderFieldId     IncentiveOrderField = "ID"
	IncentiveOrderFieldDueOn  IncentiveOrderField = "DUE_ON"
	IncentiveOrderFieldAmount IncentiveOrderField = "AMOUNT"
)

// IncentiveOrderFieldValues lists every incentive ordering in declaration order.
var IncentiveOrderFieldValues = []IncentiveOrderField{IncentiveOrderFieldId, IncentiveOrderFieldDueOn, IncentiveOrderFieldAmount}

// IsValid reports whether e is one of IncentiveOrderFieldValues.
func (e IncentiveOrderField) IsValid() bool { return isOneOf(e, IncentiveOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e IncentiveOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside IncentiveOrderFieldValues.
func (e *IncentiveOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "IncentiveOrderField", IncentiveOrderFieldValues)
}

// AuditEventOrderField enumerates the audit event ordering values.
type AuditEventOrderField string

// The values of AuditEventOrderField.
const (
	AuditEventOrderFieldId         AuditEventOrderField = "ID"
	AuditEventOrderFieldOccurredAt AuditEventOrderField = "OCCURRED_AT"
)

// AuditEventOrderFieldValues lists every audit event ordering in declaration order.
var AuditEventOrderFieldValues = []AuditEventOrderField{AuditEventOrderFieldId, AuditEventOrderFieldOccurredAt}

// IsValid reports whether e is one of AuditEventOrderFieldValues.
func (e AuditEventOrderField) IsValid() bool { return isOneOf(e, AuditEventOrderFieldValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e AuditEventOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside AuditEventOrderFieldValues.
func (e *AuditEventOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "AuditEventOrderField", AuditEventOrderFieldValues)
}

// UserErrorCode enumerates the user error code values.
type UserErrorCode string

// The values of UserErrorCode.
const (
	UserErrorCodeInvalidInput         UserErrorCode = "INVALID_INPUT"
	UserErrorCodeInvalidId            UserErrorCode = "INVALID_ID"
	UserErrorCodeNotFound             UserErrorCode = "NOT_FOUND"
	UserErrorCodeInvalidNik           UserErrorCode = "INVALID_NIK"
	UserErrorCodeNikMismatch          UserErrorCode = "NIK_MISMATCH"
	UserErrorCodeInvalidKk            UserErrorCode = "INVALID_KK"
	UserErrorCodeAgeOutOfRange        UserErrorCode = "AGE_OUT_OF_RANGE"
	UserErrorCodeDuplicateNik         UserErrorCode = "DUPLICATE_NIK"
	UserErrorCodeHouseholdFull        UserErrorCode = "HOUSEHOLD_FULL"
	UserErrorCodeBlacklisted          UserErrorCode = "BLACKLISTED"
	UserErrorCodeDuplicateWave        UserErrorCode = "DUPLICATE_WAVE"
	UserErrorCodeInvalidQuota         UserErrorCode = "INVALID_QUOTA"
	UserErrorCodeInvalidSchedule      UserErrorCode = "INVALID_SCHEDULE"
	UserErrorCodeWaveState            UserErrorCode = "WAVE_STATE"
	UserErrorCodeWaveNotOpen          UserErrorCode = "WAVE_NOT_OPEN"
	UserErrorCodeAlreadyJoined        UserErrorCode = "ALREADY_JOINED"
	UserErrorCodeNotEligible          UserErrorCode = "NOT_ELIGIBLE"
	UserErrorCodeInvalidSeed          UserErrorCode = "INVALID_SEED"
	UserErrorCodeDuplicateProvider    UserErrorCode = "DUPLICATE_PROVIDER"
	UserErrorCodeInvalidNib           UserErrorCode = "INVALID_NIB"
	UserErrorCodeInvalidPrice         UserErrorCode = "INVALID_PRICE"
	UserErrorCodeDuplicateListing     UserErrorCode = "DUPLICATE_LISTING"
	UserErrorCodeCapacityExceeded     UserErrorCode = "CAPACITY_EXCEEDED"
	UserErrorCodeHoursExceeded        UserErrorCode = "HOURS_EXCEEDED"
	UserErrorCodeSessionOverlap       UserErrorCode = "SESSION_OVERLAP"
	UserErrorCodeNotActive            UserErrorCode = "NOT_ACTIVE"
	UserErrorCodePurchaseWindowClosed UserErrorCode = "PURCHASE_WINDOW_CLOSED"
	UserErrorCodeSessionRequired      UserErrorCode = "SESSION_REQUIRED"
	UserErrorCodeSessionMismatch      UserErrorCode = "SESSION_MISMATCH"
	UserErrorCodeSessionFull          UserErrorCode = "SESSION_FULL"
	UserErrorCodeSessionClosed        UserErrorCode = "SESSION_CLOSED"
	UserErrorCodeInsufficientBalance  UserErrorCode = "INSUFFICIENT_BALANCE"
	UserErrorCodeOrderConflict        UserErrorCode = "ORDER_CONFLICT"
	UserErrorCodeEnrollmentState      UserErrorCode = "ENROLLMENT_STATE"
	UserErrorCodeNotCompleted         UserErrorCode = "NOT_COMPLETED"
	UserErrorCodeAlreadyReviewed      UserErrorCode = "ALREADY_REVIEWED"
	UserErrorCodeInvalidRating        UserErrorCode = "INVALID_RATING"
	UserErrorCodeInvalidAccount       UserErrorCode = "INVALID_ACCOUNT"
	UserErrorCodeAccountNameMismatch  UserErrorCode = "ACCOUNT_NAME_MISMATCH"
	UserErrorCodeIncentiveState       UserErrorCode = "INCENTIVE_STATE"
)

// UserErrorCodeValues lists every user error code in declaration order.
var UserErrorCodeValues = []UserErrorCode{UserErrorCodeInvalidInput, UserErrorCodeInvalidId, UserErrorCodeNotFound, UserErrorCodeInvalidNik, UserErrorCodeNikMismatch, UserErrorCodeInvalidKk, UserErrorCodeAgeOutOfRange, UserErrorCodeDuplicateNik, UserErrorCodeHouseholdFull, UserErrorCodeBlacklisted, UserErrorCodeDuplicateWave, UserErrorCodeInvalidQuota, UserErrorCodeInvalidSchedule, UserErrorCodeWaveState, UserErrorCodeWaveNotOpen, UserErrorCodeAlreadyJoined, UserErrorCodeNotEligible, UserErrorCodeInvalidSeed, UserErrorCodeDuplicateProvider, UserErrorCodeInvalidNib, UserErrorCodeInvalidPrice, UserErrorCodeDuplicateListing, UserErrorCodeCapacityExceeded, UserErrorCodeHoursExceeded, UserErrorCodeSessionOverlap, UserErrorCodeNotActive, UserErrorCodePurchaseWindowClosed, UserErrorCodeSessionRequired, UserErrorCodeSessionMismatch, UserErrorCodeSessionFull, UserErrorCodeSessionClosed, UserErrorCodeInsufficientBalance, UserErrorCodeOrderConflict, UserErrorCodeEnrollmentState, UserErrorCodeNotCompleted, UserErrorCodeAlreadyReviewed, UserErrorCodeInvalidRating, UserErrorCodeInvalidAccount, UserErrorCodeAccountNameMismatch, UserErrorCodeIncentiveState}

// IsValid reports whether e is one of UserErrorCodeValues.
func (e UserErrorCode) IsValid() bool { return isOneOf(e, UserErrorCodeValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e UserErrorCode) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside UserErrorCodeValues.
func (e *UserErrorCode) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "UserErrorCode", UserErrorCodeValues)
}

// AgeBand enumerates the age band values.
type AgeBand string

// The values of AgeBand.
const (
	AgeBandAge1824   AgeBand = "AGE_18_24"
	AgeBandAge2534   AgeBand = "AGE_25_34"
	AgeBandAge3544   AgeBand = "AGE_35_44"
	AgeBandAge4554   AgeBand = "AGE_45_54"
	AgeBandAge5564   AgeBand = "AGE_55_64"
	AgeBandAge65Plus AgeBand = "AGE_65_PLUS"
)

// AgeBandValues lists every age band in declaration order.
var AgeBandValues = []AgeBand{AgeBandAge1824, AgeBandAge2534, AgeBandAge3544, AgeBandAge4554, AgeBandAge5564, AgeBandAge65Plus}

// IsValid reports whether e is one of AgeBandValues.
func (e AgeBand) IsValid() bool { return isOneOf(e, AgeBandValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e AgeBand) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside AgeBandValues.
func (e *AgeBand) UnmarshalGQL(v any) error { return unmarshalEnum(e, v, "AgeBand", AgeBandValues) }

// LedgerKind enumerates the balance ledger entry kind values.
type LedgerKind string

// The values of LedgerKind.
const (
	LedgerKindGrant    LedgerKind = "GRANT"
	LedgerKindPurchase LedgerKind = "PURCHASE"
	LedgerKindRefund   LedgerKind = "REFUND"
	LedgerKindForfeit  LedgerKind = "FORFEIT"
)

// LedgerKindValues lists every balance ledger entry kind in declaration order.
var LedgerKindValues = []LedgerKind{LedgerKindGrant, LedgerKindPurchase, LedgerKindRefund, LedgerKindForfeit}

// IsValid reports whether e is one of LedgerKindValues.
func (e LedgerKind) IsValid() bool { return isOneOf(e, LedgerKindValues) }

// MarshalGQL writes e as a GraphQL enum value.
func (e LedgerKind) MarshalGQL(w io.Writer) { marshalEnum(w, e) }

// UnmarshalGQL reads a GraphQL enum value; it fails on a value outside LedgerKindValues.
func (e *LedgerKind) UnmarshalGQL(v any) error {
	return unmarshalEnum(e, v, "LedgerKind", LedgerKindValues)
}

func isOneOf[E ~string](e E, values []E) bool { return slices.Contains(values, e) }

func marshalEnum[E ~string](w io.Writer, e E) { _, _ = io.WriteString(w, strconv.Quote(string(e))) }

func unmarshalEnum[E ~string](e *E, v any, name string, values []E) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string", name)
	}
	if !isOneOf(E(s), values) {
		return fmt.Errorf("%q is not a valid %s", s, name)
	}
	*e = E(s)
	return nil
}
