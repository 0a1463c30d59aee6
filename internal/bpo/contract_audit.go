package bpo

// The audit log's entities and actions of contracts and assessments.
const (
	EntityContract   = "contract"
	EntityAssessment = "assessment"

	ActionKPIs               = "kpis"                // a contract's KPIs edited
	ActionActuals            = "actuals"             // a period's figures entered
	ActionEnd                = "end"                 // a contract ended
	ActionAcknowledgeWarning = "acknowledge_warning" // a vendor's warning seen before adding it
)

// ContractSnapshot is a contract as started (create).
type ContractSnapshot struct {
	VendorID int64        `json:"vendor_id"`
	Start    string       `json:"start"`
	Length   PeriodLength `json:"length"`
	KPIs     []string     `json:"kpis"`
}

// KPISnapshot is one KPI of a contract.
type KPISnapshot struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	Better string  `json:"better"`
	Target float64 `json:"target"`
	Weight float64 `json:"weight"`
}

// KPIsSnapshot is a contract's KPIs (kpis).
type KPIsSnapshot struct {
	KPIs    []KPISnapshot `json:"kpis"`
	Version int           `json:"version"`
}

// SnapshotOfKPIs is c's KPIs as the audit log keeps them.
func SnapshotOfKPIs(c *Contract) KPIsSnapshot {
	out := KPIsSnapshot{KPIs: make([]KPISnapshot, len(c.KPIs)), Version: c.Version}
	for i, k := range c.KPIs {
		out.KPIs[i] = KPISnapshot{Key: k.Key, Name: k.NameEN, Better: k.Better, Target: k.Target, Weight: k.Weight}
	}
	return out
}

// FigureSnapshot is one KPI's figure in a period.
type FigureSnapshot struct {
	Value   float64 `json:"value"`
	Comment string  `json:"comment"`
}

// ActualsSnapshot is a period's figures by KPI key (actuals).
type ActualsSnapshot struct {
	Period  string                    `json:"period"`
	Actuals map[string]FigureSnapshot `json:"actuals"`
	Version int                       `json:"version"`
}

// SnapshotOfActuals is period p of c as the audit log keeps it.
func SnapshotOfActuals(c *Contract, p *Period) ActualsSnapshot {
	s := ActualsSnapshot{Period: p.Start.Format("2006-01-02"), Actuals: map[string]FigureSnapshot{}, Version: p.Version}
	for _, a := range p.Actuals {
		if k := c.KPI(a.KPIID); k != nil {
			s.Actuals[k.Key] = FigureSnapshot{Value: a.Value, Comment: a.Comment}
		}
	}
	return s
}

// ContractStatusSnapshot is a contract's status (end).
type ContractStatusSnapshot struct {
	Status  ContractStatus `json:"status"`
	EndedOn string         `json:"ended_on,omitempty"`
	Version int            `json:"version"`
}

// WarningSnapshot is the warning a manager acknowledged (acknowledge_warning).
type WarningSnapshot struct {
	VendorID   int64   `json:"vendor_id"`
	ContractID int64   `json:"contract_id"`
	Standing   float64 `json:"standing"`
	Band       Band    `json:"band"`
}

// ActivitySnapshot is one activity of an assessment with its verdict.
type ActivitySnapshot struct {
	Name            string  `json:"name"`
	CXInfluence     int     `json:"cx"`
	Differentiation int     `json:"differentiation"`
	Risk            int     `json:"risk"`
	Codifiability   int     `json:"codifiability"`
	Verdict         Verdict `json:"verdict"`
}

// AssessmentSnapshot is an assessment (create, update).
type AssessmentSnapshot struct {
	Title        string             `json:"title"`
	EvaluationID *int64             `json:"evaluation_id"`
	Activities   []ActivitySnapshot `json:"activities"`
	Version      int                `json:"version"`
}

// SnapshotOfAssessment is an assessment's input at version as the audit log keeps it.
func SnapshotOfAssessment(in AssessmentInput, version int) AssessmentSnapshot {
	s := AssessmentSnapshot{Title: in.Title, EvaluationID: in.EvaluationID, Activities: make([]ActivitySnapshot, len(in.Activities)), Version: version}
	for i, a := range in.Activities {
		s.Activities[i] = ActivitySnapshot{Name: a.Name, CXInfluence: a.CXInfluence, Differentiation: a.Differentiation,
			Risk: a.Risk, Codifiability: a.Codifiability, Verdict: Suitable(a).Verdict}
	}
	return s
}
