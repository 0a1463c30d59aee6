package demo

import (
	"fmt"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// moderate records the panel's consensus on the open evaluation's one
// disputed criterion: Carthage's cultural fit, rated 4, 2, 4 and 5.
func (l *loader) moderate(ev *bpo.Evaluation, criteria map[string]*bpo.Criterion) error {
	_, err := l.svc.Moderation.RecordConsensus(l.manager, ev.ID, bpo.ConsensusInput{
		VendorID: l.vendors["Carthage Nearshore Services"].ID, CriterionID: criteria["cultural_fit"].ID, Value: ptr(4),
		Reason: "Moderation meeting: the formal sample calls Karim heard were recorded before the tone briefing; " +
			"the pilot calls after it were warm and adapted, as three of the four evaluators found. The panel agreed on 4.",
	})
	if err != nil {
		return fmt.Errorf("moderate: %w", err)
	}
	return nil
}
