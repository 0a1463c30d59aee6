package bpo

import (
	"context"
	"math"
	"strconv"
	"time"
)

// PeriodLength is how long one scorecard period of a contract lasts.
type PeriodLength string

// Period lengths: a month by default.
const (
	Monthly   PeriodLength = "monthly"
	Quarterly PeriodLength = "quarterly"
)

// Months is the number of calendar months in one period.
func (l PeriodLength) Months() int {
	if l == Quarterly {
		return 3
	}
	return 1
}

// ContractStatus tells a running contract from an ended one.
type ContractStatus string

// Contract statuses. An ended contract takes no more figures.
const (
	ContractActive ContractStatus = "active"
	ContractEnded  ContractStatus = "ended"
)

// Limits on contract fields.
const (
	KPIMax        = 30
	KPINameMax    = 200
	KPICommentMax = 2000
	// StandingPeriods is how many periods the standing looks back over.
	StandingPeriods = 12
)

// KPI is one key performance indicator of a contract: the figure a vendor is
// held to, whether lower or higher is better, and its weight in a period's score.
type KPI struct {
	ID       int64
	Key      string
	NameEN   string
	NameFR   string
	Unit     string
	Better   string // "lower" or "higher"
	Target   float64
	Weight   float64
	Promised *float64 // the vendor's proposal figure, from the evaluation's measured criterion
	Position int
}

// Name is the KPI's name in lang.
func (k *KPI) Name(lang string) string {
	if lang == "fr" && k.NameFR != "" {
		return k.NameFR
	}
	return k.NameEN
}

// Actual is the figure a vendor achieved on one KPI in one period.
type Actual struct {
	KPIID   int64
	Value   float64
	Comment string
}

// Period is one scorecard period of a contract, with the figures entered.
type Period struct {
	Index     int // 0 for the first period of the contract
	Start     time.Time
	End       time.Time // exclusive: the next period's start
	Actuals   []Actual
	Version   int // 0 until figures are first entered
	EnteredBy string
	UpdatedAt *time.Time
}

// Actual returns the figure for kpiID, if any.
func (p *Period) Actual(kpiID int64) *Actual {
	for i := range p.Actuals {
		if p.Actuals[i].KPIID == kpiID {
			return &p.Actuals[i]
		}
	}
	return nil
}

// Contract is the running agreement with a vendor selected by an evaluation.
type Contract struct {
	ID              int64
	EvaluationID    int64
	EvaluationTitle string
	VendorID        int64
	VendorKey       string
	VendorName      string
	Start           time.Time
	Length          PeriodLength
	Status          ContractStatus
	EndedOn         *time.Time
	OwnerID         *int64 // the account owner who enters figures, besides managers
	OwnerName       string
	SelectionScore  *float64 // the vendor's score when it was selected
	SelectionRank   *int
	Version         int
	CreatedAt       time.Time
	KPIs            []*KPI
	Periods         []*Period // those with figures, oldest first
}

// KPI returns the contract's KPI with id, or nil.
func (c *Contract) KPI(id int64) *KPI {
	for _, k := range c.KPIs {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// PeriodStart returns the first day of period i of a contract that starts
// on start. Periods are whole calendar months from the start day; a start
// on the 31st falls on the last day of shorter months.
func PeriodStart(start time.Time, length PeriodLength, i int) time.Time {
	months := start.Month() - 1 + time.Month(i*length.Months())
	first := time.Date(start.Year(), 1+months, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(start.Day(), last), 0, 0, 0, 0, time.UTC)
}

// PeriodIndex returns the period of a contract starting on start that
// holds day, or -1 when day is before the start.
func PeriodIndex(start time.Time, length PeriodLength, day time.Time) int {
	day = civil(day)
	if day.Before(civil(start)) {
		return -1
	}
	months := (day.Year()-start.Year())*12 + int(day.Month()-start.Month())
	i := months / length.Months()
	for i > 0 && PeriodStart(start, length, i).After(day) {
		i--
	}
	for !PeriodStart(start, length, i+1).After(day) {
		i++
	}
	return i
}

// civil is t's calendar day in UTC, the zone periods are counted in.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// LastPeriod returns the index of the contract's last period as of today:
// the period holding the end date once ended, else the one holding today;
// -1 before the start.
func (c *Contract) LastPeriod(today time.Time) int {
	if c.EndedOn != nil && c.EndedOn.Before(today) {
		today = *c.EndedOn
	}
	return PeriodIndex(c.Start, c.Length, today)
}

// LastEnded returns the index of the most recent period that has ended as
// of today (the standing's p = 0), or -1 when none has. An ended contract's
// last period has ended with it.
func (c *Contract) LastEnded(today time.Time) int {
	if c.Status == ContractEnded {
		return c.LastPeriod(today)
	}
	return PeriodIndex(c.Start, c.Length, today) - 1
}

// PeriodAt returns period i with its figures (none when nothing was entered).
func (c *Contract) PeriodAt(i int) *Period {
	for _, p := range c.Periods {
		if p.Index == i {
			return p
		}
	}
	return &Period{Index: i, Start: PeriodStart(c.Start, c.Length, i), End: PeriodStart(c.Start, c.Length, i+1)}
}

// Attainment is how far an actual figure reaches its target, 0…100: 100
// when the target is met, else 100 × target/actual when lower is better
// and 100 × actual/target when higher is better, clamped to 0…100.
func Attainment(better string, target, actual float64) float64 {
	if better == "lower" {
		if actual <= target {
			return 100
		}
		return clamp100(100 * target / actual)
	}
	if actual >= target {
		return 100
	}
	return clamp100(100 * actual / target)
}

func clamp100(v float64) float64 { return math.Max(0, math.Min(100, v)) }

// Met reports whether actual meets target.
func Met(better string, target, actual float64) bool {
	if better == "lower" {
		return actual <= target
	}
	return actual >= target
}

// PeriodScore is Σ weight × attainment / Σ weight over the KPIs that have a
// figure in p. ok is false when none has (the period is missing, which is
// not 100) or when those that have weigh nothing together.
func PeriodScore(kpis []*KPI, p *Period) (score float64, ok bool) {
	var sum, weights float64
	for _, k := range kpis {
		a := p.Actual(k.ID)
		if a == nil {
			continue
		}
		sum += k.Weight * Attainment(k.Better, k.Target, a.Value)
		weights += k.Weight
	}
	if weights <= 0 {
		return 0, false
	}
	return sum / weights, true
}

// Band is a standing's qualitative level.
type Band string

// Bands, lower bound inclusive: Very poor [0, 30), Poor [30, 50),
// Average [50, 80), Excellent [80, 100].
const (
	BandVeryPoor  Band = "very_poor"
	BandPoor      Band = "poor"
	BandAverage   Band = "average"
	BandExcellent Band = "excellent"
)

// BandOf returns the band a score of 0…100 falls in.
func BandOf(score float64) Band {
	switch {
	case score < 30:
		return BandVeryPoor
	case score < 50:
		return BandPoor
	case score < 80:
		return BandAverage
	default:
		return BandExcellent
	}
}

// Warns reports whether a standing in b raises a warning on the vendor.
func (b Band) Warns() bool { return b == BandPoor || b == BandVeryPoor }

// Standing is a vendor's performance over the last periods of a contract.
type Standing struct {
	Score  float64
	Band   Band
	Scored int // how many of the periods looked at had figures
}

// StandingOf computes the standing from period scores: scores[i] is period
// i's score, nil when the period has no figures; last is the most recent
// period that has ended (p = 0). It is 100 × Σ s_p·f_p / Σ 100·f_p over
// the last StandingPeriods periods with f_p = (12 − p)/12. A period without
// figures is left out of both sums but still counts in p, so it ages the
// older ones. Nil when no period looked at has a score: no figures is no
// standing, not 100.
func StandingOf(scores []*float64, last int) *Standing {
	var num, den float64
	n := 0
	for p := 0; p < StandingPeriods; p++ {
		i := last - p
		if i < 0 {
			break
		}
		if i >= len(scores) || scores[i] == nil {
			continue
		}
		f := float64(StandingPeriods-p) / StandingPeriods
		num += *scores[i] * f
		den += 100 * f
		n++
	}
	if n == 0 {
		return nil
	}
	score := 100 * num / den
	return &Standing{Score: score, Band: BandOf(score), Scored: n}
}

// Scores returns the score of each period from the first to upTo, nil for
// a period without figures.
func (c *Contract) Scores(upTo int) []*float64 {
	out := make([]*float64, max(upTo+1, 0))
	for _, p := range c.Periods {
		if p.Index > upTo {
			continue
		}
		if s, ok := PeriodScore(c.KPIs, p); ok {
			out[p.Index] = &s
		}
	}
	return out
}

// StandingAt returns the contract's standing as of today, nil without a
// scored period.
func (c *Contract) StandingAt(today time.Time) *Standing {
	last := c.LastEnded(today)
	return StandingOf(c.Scores(last), last)
}

// ContractInput is what the new-contract form sets.
type ContractInput struct {
	EvaluationID int64
	VendorID     int64
	Start        time.Time
	Length       PeriodLength
	OwnerID      *int64
	// SelectionScore and SelectionRank are the vendor's score and rank in
	// the evaluation, as the engine gave them when the contract started.
	SelectionScore *float64
	SelectionRank  *int
}

// Validate returns EINVALID with a message per offending field.
func (in *ContractInput) Validate() error {
	var p Problems
	if in.Start.IsZero() {
		p.Add("start", "error.field.required")
	} else if in.Start.Year() < 2000 || in.Start.Year() > 2200 {
		p.Add("start", "error.field.date")
	}
	if in.Length != Monthly && in.Length != Quarterly {
		p.Add("length", "error.field.choice")
	}
	return p.Err()
}

// KPIInput is one KPI as the KPI form edits it; ID 0 adds a KPI.
type KPIInput struct {
	ID     int64
	Key    string
	NameEN string
	NameFR string
	Unit   string
	Better string
	Target float64
	Weight float64
}

// ValidateKPIs checks a contract's whole set of KPIs: each one on its own,
// unique keys, and weights that sum to more than zero (a period score
// divides by that sum). Field names carry the KPI's row: "target_3".
func ValidateKPIs(kpis []KPIInput, field func(name string, row int) string) error {
	var p Problems
	keys := map[string]bool{}
	total := 0.0
	if len(kpis) > KPIMax {
		p.Add("kpis", "error.field.too_many", KPIMax)
	}
	for i, k := range kpis {
		if !criterionKey.MatchString(k.Key) {
			p.Add(field("key", i), "error.criterion.key")
		} else if keys[k.Key] {
			p.Add(field("key", i), "error.kpi.duplicate_key")
		}
		keys[k.Key] = true
		checkText(&p, field("name_en", i), k.NameEN, KPINameMax, true, false)
		checkText(&p, field("name_fr", i), k.NameFR, KPINameMax, false, false)
		checkText(&p, field("unit", i), k.Unit, 20, false, false)
		if k.Better != "lower" && k.Better != "higher" {
			p.Add(field("better", i), "error.field.choice")
		}
		if !ValidMeasurement(k.Target) || k.Target < 0 {
			p.Add(field("target", i), "error.field.non_negative")
		}
		if !ValidMeasurement(k.Weight) || k.Weight < 0 {
			p.Add(field("weight", i), "error.field.non_negative")
		}
		total += math.Max(k.Weight, 0)
	}
	if len(p) == 0 && total <= 0 {
		p.Add("kpis", "error.kpi.weights_zero")
	}
	return p.Err()
}

// ActualInput is one KPI's figure as the period form sends it; a nil Value
// clears it.
type ActualInput struct {
	KPIID   int64
	Value   *float64
	Comment string
}

// ValidateActuals checks a period's figures: finite and not negative, short
// comments, every KPI one of the contract's.
func ValidateActuals(c *Contract, in []ActualInput) error {
	var p Problems
	for _, a := range in {
		field := "actual_" + strconv.FormatInt(a.KPIID, 10)
		if c.KPI(a.KPIID) == nil {
			p.Add(field, "error.kpi.unknown")
			continue
		}
		if a.Value != nil && (!ValidMeasurement(*a.Value) || *a.Value < 0) {
			p.Add(field, "error.field.non_negative")
		}
		checkText(&p, "comment_"+strconv.FormatInt(a.KPIID, 10), a.Comment, KPICommentMax, false, true)
	}
	return p.Err()
}

// CheckPeriodOpen refuses figures for a period the contract cannot take
// them for: an ended contract, a period before the start or after the
// contract's end, or one that has not started yet.
func CheckPeriodOpen(c *Contract, index int, today time.Time) error {
	if c.Status == ContractEnded {
		return Errorf(EINVALID, "error.contract.ended")
	}
	if index < 0 || index > c.LastPeriod(today) {
		return Errorf(EINVALID, "error.contract.period_outside")
	}
	return nil
}

// ContractFilter selects contracts for the list.
type ContractFilter struct {
	VendorID     *int64
	EvaluationID *int64
}

// VendorWarning is a warning on a vendor whose standing on a contract is
// Poor or Very poor.
type VendorWarning struct {
	VendorID   int64
	VendorName string
	ContractID int64
	Standing   Standing
}

// LatePeriod is a period that has ended without figures.
type LatePeriod struct {
	ContractID int64
	VendorName string
	OwnerName  string
	Period     int
	Start      time.Time
	Due        time.Time // the period's end: figures are due from then
}

// ContractService manages contracts after the award. Managers only
// (EFORBIDDEN otherwise). Every change is audited on the evaluation's history.
type ContractService interface {
	// FindContracts lists contracts, newest first, with KPIs and figures.
	FindContracts(ctx context.Context, f ContractFilter) ([]*Contract, error)

	// FindContractByID returns ENOTFOUND if the contract does not exist.
	FindContractByID(ctx context.Context, id int64) (*Contract, error)

	// CreateContract starts a contract for a vendor selected by a closed
	// evaluation, with KPIs prefilled from the evaluation's measured
	// criteria (the vendor's figure as the target) and CSAT and QA score.
	// EINVALID if the evaluation is not closed, the vendor not selected,
	// or the input is bad.
	CreateContract(ctx context.Context, in ContractInput) (*Contract, error)

	// UpdateKPIs replaces the KPIs' targets, directions and weights and adds
	// new ones, at version; ECONFLICT if stale, EINVALID as ValidateKPIs.
	UpdateKPIs(ctx context.Context, id int64, version int, kpis []KPIInput) (*Contract, error)

	// SaveActuals stores a period's figures at the period's version (0 for
	// a period without figures yet); ECONFLICT if stale, EINVALID as
	// ValidateActuals and CheckPeriodOpen.
	SaveActuals(ctx context.Context, id int64, period int, version int, in []ActualInput) (*Contract, error)

	// EndContract ends a contract at version; no figures are taken after.
	EndContract(ctx context.Context, id int64, version int) (*Contract, error)

	// FindWarnings lists vendors with a Poor or Very poor standing.
	FindWarnings(ctx context.Context) ([]VendorWarning, error)

	// FindLatePeriods lists ended periods of running contracts without figures.
	FindLatePeriods(ctx context.Context) ([]LatePeriod, error)

	// AcknowledgeWarning records, in the evaluation's history, that the
	// caller saw the vendor's warning before adding it to the evaluation.
	AcknowledgeWarning(ctx context.Context, evaluationID int64, w VendorWarning) error
}

// TemplateKPIs are the KPIs every contract gets besides the evaluation's
// measured criteria: customer satisfaction and the quality-assurance score.
func TemplateKPIs() []KPIInput {
	return []KPIInput{
		{Key: "csat", NameEN: "Customer satisfaction (CSAT)", NameFR: "Satisfaction client (CSAT)", Unit: "%", Better: "higher", Target: 85, Weight: 20},
		{Key: "qa_score", NameEN: "Quality-assurance score", NameFR: "Note d'assurance qualité", Unit: "%", Better: "higher", Target: 90, Weight: 20},
	}
}
