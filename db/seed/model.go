package seed

// The generator's in-memory rows. They are compact (indexes instead of pointers, Unix seconds
// instead of time.Time) because a million participants make about twenty million rows.

// Enumerations, stored as small integers and spelled out when copied.
const (
	stRegistered uint8 = iota
	stActive
	stCompleted
	stRevoked
)

var participantStatus = [...]string{"REGISTERED", "ACTIVE", "COMPLETED", "REVOKED"}

const (
	enPaid uint8 = iota
	enInProgress
	enCompleted
	enNotCompleted
	enRefunded
)

var enrollmentStatus = [...]string{"PAID", "IN_PROGRESS", "COMPLETED", "NOT_COMPLETED", "REFUNDED"}

const (
	modeWebinar uint8 = iota
	modeSelfPaced
	modeOffline
	modeHybrid
)

var modeName = [...]string{"WEBINAR", "SELF_PACED", "OFFLINE", "HYBRID"}

const (
	venueClassroom uint8 = iota
	venueWorkshop
	venueBLK
)

var venueName = [...]string{"CLASSROOM", "WORKSHOP", "BALAI_LATIHAN_KERJA"}

const (
	ssOpen uint8 = iota
	ssFull
	ssInProgress
	ssCompleted
	ssCancelled
)

var sessionStatus = [...]string{"OPEN", "FULL", "IN_PROGRESS", "COMPLETED", "CANCELLED"}

const (
	apApplied uint8 = iota
	apSelected
	apNotSelected
	apIneligible
)

var applicationStatus = [...]string{"APPLIED", "SELECTED", "NOT_SELECTED", "INELIGIBLE"}

const (
	lgGrant uint8 = iota
	lgPurchase
	lgRefund
	lgForfeit
)

var ledgerKind = [...]string{"GRANT", "PURCHASE", "REFUND", "FORFEIT"}

const (
	chBNI uint8 = iota
	chBCA
	chOVO
	chGOPAY
	chDANA
	chLINKAJA
)

var channelName = [...]string{"BNI", "BCA", "OVO", "GOPAY", "DANA", "LINKAJA"}

const (
	acPending uint8 = iota
	acValidated
	acRejected
	acReplaced
)

var accountStatus = [...]string{"PENDING", "VALIDATED", "REJECTED", "REPLACED"}

const (
	inPending uint8 = iota
	inScheduled
	inProcessing
	inPaid
	inFailed
	inCancelled
	inExpired
)

var incentiveStatus = [...]string{"PENDING", "SCHEDULED", "PROCESSING", "PAID", "FAILED", "CANCELLED", "EXPIRED"}

const (
	kindTraining uint8 = iota
	kindSurvey
)

var incentiveKind = [...]string{"TRAINING", "SURVEY"}

const (
	pyPending uint8 = iota
	pySent
	pyPaid
	pyFailed
)

var paymentStatus = [...]string{"PENDING", "SENT", "PAID", "FAILED"}

const (
	fcNone uint8 = iota
	fcAccountInactive
	fcNotKYC
	fcNameNIKMismatch
	fcProviderError
)

var failureCode = [...]string{"", "ACCOUNT_INACTIVE", "NOT_KYC", "NAME_NIK_MISMATCH", "PROVIDER_ERROR"}

const (
	plReferred uint8 = iota
	plApplied
	plInterview
	plHired
	plRejected
)

var placementStatus = [...]string{"REFERRED", "APPLIED", "INTERVIEW", "HIRED", "REJECTED"}

var educationName = [...]string{"PRIMARY", "JUNIOR_SECONDARY", "SENIOR_SECONDARY", "VOCATIONAL_SECONDARY", "DIPLOMA", "BACHELOR", "POSTGRADUATE"}
var employmentName = [...]string{"UNEMPLOYED", "LAID_OFF", "FURLOUGHED", "INFORMAL_WORKER", "MICRO_BUSINESS_OWNER", "EMPLOYED"}

// scheme is a benefit_schemes row.
type scheme struct {
	code          string
	firstWave     int
	lastWave      int // 0 = open-ended
	balance       int64
	incentive     int64
	installments  int
	survey        int64
	surveys       int
	deadlineDays  int64
	remainingDays int64 // 0 = NULL: leftover balance never expires
}

type province struct {
	code      string
	name      string
	java      bool
	regencies []regency
}

type wave struct {
	id         int64
	number     int
	scheme     *scheme
	status     string
	opens      int64
	closes     int64
	drawn      int64 // 0 for waves not drawn yet
	quota      int
	realQuota  int
	applicants int
	selected   int
	drawSeed   int64
	provQuota  []int // per province index; nil when the wave has no province quotas
}

type platform struct {
	id      int64
	code    string
	name    string
	website string
	joined  int32 // date
	weight  float64
}

type provider struct {
	id      int64
	name    string
	kind    string
	nib     uint64 // 0 = NULL
	prov    int
	regency int // index into the province's regencies: where the provider sits
	created int64
	cats    []int
}

type venue struct {
	typ     uint8
	name    string
	regency string
	prov    int
}

type course struct {
	id          int64
	provider    int
	title       string
	desc        string
	cat         int
	mode        uint8
	hours       int
	created     int64
	pop         float64
	listings    []int32
	venues      []venue
	epoch       int64 // start of slot 0
	period      int64 // time between two runs of one venue
	hoursPerDay int
	startHour   int64

	minPrice    int64
	reviews     int
	ratingSum   int64
	enrollments int
}

type listing struct {
	id       int64
	course   int32
	platform int32
	price    int64
	listed   int64
}

// slot is a scheduled run of a course at one venue (stream); it becomes a training_sessions row.
type slot struct {
	id        int64
	course    int32
	stream    uint8
	k         int32
	start     int64
	end       int64
	capacity  int32
	sold      int32 // every purchase, refunded ones included
	taken     int32 // purchases not refunded
	cancelled int64
	reason    uint8 // index into cancelReasons
	status    uint8
}

// cancelReasons explain cancelled sessions; the first is the Lebaran 2023 holiday.
var cancelReasons = []string{
	"Libur Idulfitri (Lebaran) 2023",
	"Instruktur berhalangan hadir",
	"Peserta kurang dari kuota minimum kelas",
	"Tempat pelatihan tidak dapat digunakan",
}

type slotKey struct {
	course int32
	stream uint8
	k      int32
}

type person struct {
	id         int64
	nik        uint64
	kk         uint64
	name       string
	email      string
	phone      string
	birth      int32
	female     bool
	prov       int
	edu        uint8
	emp        uint8
	status     uint8
	wave       int // index into waves; -1 for REGISTERED
	card       uint64
	balance    int64
	registered int64
	selected   int64
	deadline   int64
	expires    int64
	revoked    int64

	// generation helpers
	firstApp int  // wave index of an earlier, unsuccessful application; -1 none
	regApp   int8 // for registered-only people: 0 none, 1 applied to the open wave, 2 not selected, 3 ineligible
	regWave  int  // wave of that application
	surname  string
	hh       uint8 // members on this person's family card when they are its first member; 0 otherwise
	region   int   // regency index within the province
	district int
}

type application struct {
	wave    int32
	person  int32
	status  uint8
	applied int64
	decided int64
}

type enrollment struct {
	id        int64
	person    int32
	listing   int32
	slot      int32 // -1: self-paced, no session
	price     int64
	status    uint8
	purchased int64
	started   int64
	completed int64
	refunded  int64
}

type ledgerRow struct {
	person     int32
	kind       uint8
	amount     int64
	after      int64
	enrollment int32 // -1 none
	at         int64
}

type certificate struct {
	enrollment int32
	issued     int64
}

type review struct {
	enrollment int32
	rating     uint8
	body       int16 // index into reviewTexts[rating-1]; -1 empty
	at         int64
}

type account struct {
	id        int64
	person    int32
	channel   uint8
	number    string
	status    uint8
	validated int64
	created   int64
}

type schedule struct {
	person     int32
	enrollment int32
	scheme     *scheme
	created    int64
}

type incentive struct {
	schedule int32
	person   int32
	kind     uint8
	seq      uint8
	amount   int64
	due      int32
	status   uint8
	account  int32 // -1 none
	paid     int64
	created  int64
	// surveyDone is when the participant finished the survey a SURVEY incentive pays for.
	surveyDone int64
}

type payment struct {
	incentive int32
	attempt   uint8
	status    uint8
	amount    int64
	account   int32
	failure   uint8
	created   int64
	settled   int64
}

type placement struct {
	person     int32
	enrollment int32 // -1 none
	employer   int16
	position   string
	status     uint8
	created    int64
	updated    int64
	started    int32 // date a hired participant starts work; 0 = NULL
}

type blacklistRow struct {
	person  int32
	created int64
}
