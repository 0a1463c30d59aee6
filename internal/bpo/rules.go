package bpo

import "slices"

// The limits of the free texts users type alongside their choices.
const (
	RejectReasonMax  = 2000 // why a vendor is rejected
	ConflictNoteMax  = 500  // a note on a declared conflict of interest
	JustificationMax = 5000 // a rating's justification
)

// CheckFreeText validates text typed in a textarea: valid UTF-8, at most
// max characters, and no control characters but line breaks and tabs.
func CheckFreeText(p *Problems, field, s string, max int) {
	checkText(p, field, s, max, false, true)
}

// Blank reports whether s holds nothing but spaces, tabs and line breaks:
// a justification that says nothing.
func Blank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// Transition is the audit action of moving an evaluation from one status
// to another: "open" for draft → open, "close" for open → closed. Any
// other move is EINVALID.
func Transition(from, to EvaluationStatus) (string, error) {
	switch {
	case from == StatusDraft && to == StatusOpen:
		return ActionOpen, nil
	case from == StatusOpen && to == StatusClosed:
		return ActionClose, nil
	}
	return "", Errorf(EINVALID, "error.evaluation.transition")
}

// CheckFrozen refuses, once e is being scored (no longer a draft), a change
// to its scale, its scoring options or its scale's descriptors: ratings
// already given would change meaning.
func (in *EvaluationInput) CheckFrozen(e *Evaluation) error {
	if e.Status == StatusDraft {
		return nil
	}
	var p Problems
	if in.ScaleMin != e.ScaleMin || in.ScaleMax != e.ScaleMax {
		p.Add("scale_max", "error.evaluation.frozen")
	}
	if in.Aggregation != e.Aggregation {
		p.Add("aggregation", "error.evaluation.frozen")
	}
	if in.AwardThreshold != e.AwardThreshold {
		p.Add("award_threshold", "error.evaluation.frozen")
	}
	if in.CloseCallMargin != e.CloseCallMargin {
		p.Add("close_call_margin", "error.evaluation.frozen")
	}
	if in.Justification != e.Justification {
		p.Add("justification", "error.evaluation.frozen")
	}
	if len(p) == 0 && in.ScaleLevels != nil && !slices.Equal(in.ScaleLevels, e.ScaleLevels) {
		p.Add("scale_levels", "error.evaluation.frozen")
	}
	return p.Err()
}

// CheckFrozen refuses, once e is being scored, an edit of c that reshapes
// the tree: a change of key, kind, parent, unit or direction.
func (in *CriterionInput) CheckFrozen(e *Evaluation, c *Criterion) error {
	if e.Status == StatusDraft {
		return nil
	}
	moved := (in.ParentID == nil) != (c.ParentID == nil) || (in.ParentID != nil && *in.ParentID != *c.ParentID)
	if in.Key != c.Key || in.Kind != c.Kind || moved || in.Unit != c.Unit || in.Better != c.Better {
		return Errorf(EINVALID, "error.criterion.frozen")
	}
	return nil
}
