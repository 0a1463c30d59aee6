package evalmodel

import (
	"bytes"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// Snapshot is what a decision on d is recorded with: the exact bytes of
// GET …/model (in English, the API's default) and the result `bpoeval
// score` prints for them. The result is computed from the bytes, decoded
// as `bpoeval score` decodes them, so that scoring the stored model
// offline always prints the stored result. The engine's result is
// returned too, for the pages that explain the decision.
func Snapshot(d *bpo.EvaluationDetail) (bpo.DecisionSnapshot, *scoring.Result, error) {
	m, err := Build(d, i18n.EN, nil)
	if err != nil {
		return bpo.DecisionSnapshot{}, nil, err
	}
	model, err := ModelJSON(m)
	if err != nil {
		return bpo.DecisionSnapshot{}, nil, err
	}
	decoded, err := scoring.Decode(bytes.NewReader(model))
	if err != nil {
		return bpo.DecisionSnapshot{}, nil, Error(err)
	}
	res, err := scoring.Evaluate(decoded)
	if err != nil {
		return bpo.DecisionSnapshot{}, nil, Error(err)
	}
	result, err := explain.MarshalResult(res, i18n.EN)
	if err != nil {
		return bpo.DecisionSnapshot{}, nil, err
	}
	return bpo.DecisionSnapshot{Model: model, Result: result}, res, nil
}
