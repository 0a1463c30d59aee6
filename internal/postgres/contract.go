package postgres

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// ContractService implements bpo.ContractService.
type ContractService struct{ db *DB }

// NewContractService returns the contract service over db.
func NewContractService(db *DB) *ContractService { return &ContractService{db: db} }

var _ bpo.ContractService = (*ContractService)(nil)

const contractSQL = `SELECT c.id, c.evaluation_id, e.title, c.vendor_id, p.key, v.name, c.start_date,
		c.period_length, c.status, c.ended_on, c.owner_id, coalesce(o.name, ''),
		c.selection_score, c.selection_rank, c.version, c.created_at
	FROM contracts c
	JOIN evaluations e ON e.id = c.evaluation_id
	JOIN participants p ON p.evaluation_id = c.evaluation_id AND p.vendor_id = c.vendor_id
	JOIN vendors v ON v.id = c.vendor_id
	LEFT JOIN users o ON o.id = c.owner_id `

// loadContracts reads the contracts matching where, with their KPIs and
// figures, newest first.
func loadContracts(ctx context.Context, q querier, where string, args ...any) ([]*bpo.Contract, error) {
	rows, _ := q.Query(ctx, contractSQL+where+` ORDER BY c.created_at DESC, c.id DESC`, args...)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Contract, error) {
		var c bpo.Contract
		err := row.Scan(&c.ID, &c.EvaluationID, &c.EvaluationTitle, &c.VendorID, &c.VendorKey, &c.VendorName, &c.Start,
			&c.Length, &c.Status, &c.EndedOn, &c.OwnerID, &c.OwnerName, &c.SelectionScore, &c.SelectionRank, &c.Version, &c.CreatedAt)
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("load contracts: %w", err)
	}
	if len(list) == 0 {
		return list, nil
	}
	byID := map[int64]*bpo.Contract{}
	ids := make([]int64, len(list))
	for i, c := range list {
		byID[c.ID], ids[i] = c, c.ID
	}
	if err := loadKPIs(ctx, q, ids, byID); err != nil {
		return nil, err
	}
	if err := loadPeriods(ctx, q, ids, byID); err != nil {
		return nil, err
	}
	return list, nil
}

func loadKPIs(ctx context.Context, q querier, ids []int64, byID map[int64]*bpo.Contract) error {
	rows, _ := q.Query(ctx, `SELECT contract_id, id, key, name_en, name_fr, unit, better, target, weight, promised, position
		FROM contract_kpis WHERE contract_id = ANY($1) ORDER BY position, id`, ids)
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var (
			cid int64
			k   bpo.KPI
		)
		if err := row.Scan(&cid, &k.ID, &k.Key, &k.NameEN, &k.NameFR, &k.Unit, &k.Better, &k.Target, &k.Weight, &k.Promised, &k.Position); err != nil {
			return struct{}{}, err
		}
		byID[cid].KPIs = append(byID[cid].KPIs, &k)
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("load kpis: %w", err)
	}
	return nil
}

func loadPeriods(ctx context.Context, q querier, ids []int64, byID map[int64]*bpo.Contract) error {
	periods := map[[2]int64]*bpo.Period{}
	rows, _ := q.Query(ctx, `SELECT cp.contract_id, cp.index, cp.version, coalesce(u.name, ''), cp.updated_at
		FROM contract_periods cp LEFT JOIN users u ON u.id = cp.entered_by
		WHERE cp.contract_id = ANY($1) ORDER BY cp.index`, ids)
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var (
			cid int64
			p   bpo.Period
			at  time.Time
		)
		if err := row.Scan(&cid, &p.Index, &p.Version, &p.EnteredBy, &at); err != nil {
			return struct{}{}, err
		}
		c := byID[cid]
		p.Start, p.End, p.UpdatedAt = bpo.PeriodStart(c.Start, c.Length, p.Index), bpo.PeriodStart(c.Start, c.Length, p.Index+1), &at
		c.Periods = append(c.Periods, &p)
		periods[[2]int64{cid, int64(p.Index)}] = &p
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("load periods: %w", err)
	}
	rows, _ = q.Query(ctx, `SELECT a.contract_id, a.index, a.kpi_id, a.value, a.comment
		FROM contract_actuals a JOIN contract_kpis k ON k.id = a.kpi_id
		WHERE a.contract_id = ANY($1) ORDER BY a.index, k.position, k.id`, ids)
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var (
			cid   int64
			index int
			a     bpo.Actual
		)
		if err := row.Scan(&cid, &index, &a.KPIID, &a.Value, &a.Comment); err != nil {
			return struct{}{}, err
		}
		p := periods[[2]int64{cid, int64(index)}]
		p.Actuals = append(p.Actuals, a)
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("load actuals: %w", err)
	}
	return nil
}

// FindContracts implements bpo.ContractService.
func (s *ContractService) FindContracts(ctx context.Context, f bpo.ContractFilter) ([]*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return loadContracts(ctx, s.db.Pool, `WHERE ($1::bigint IS NULL OR c.vendor_id = $1)
		AND ($2::bigint IS NULL OR c.evaluation_id = $2)`, f.VendorID, f.EvaluationID)
}

// FindContractByID implements bpo.ContractService.
func (s *ContractService) FindContractByID(ctx context.Context, id int64) (*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	return findContract(ctx, s.db.Pool, id, "")
}

// findContract reads one contract, locking its row with lock inside a transaction.
func findContract(ctx context.Context, q querier, id int64, lock string) (*bpo.Contract, error) {
	if lock != "" {
		rows, _ := q.Query(ctx, `SELECT id FROM contracts WHERE id = $1 `+lock, id)
		if _, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int64]); err != nil {
			return nil, notFound(err, "error.contract.not_found")
		}
	}
	list, err := loadContracts(ctx, q, `WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, bpo.Errorf(bpo.ENOTFOUND, "error.contract.not_found")
	}
	return list[0], nil
}

// CreateContract implements bpo.ContractService.
func (s *ContractService) CreateContract(ctx context.Context, in bpo.ContractInput) (*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	if in.Length == "" {
		in.Length = bpo.Monthly
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		e, _, err := loadEvaluation(ctx, tx, in.EvaluationID, lockShare)
		if err != nil {
			return err
		}
		if e.Status != bpo.StatusClosed {
			return bpo.Errorf(bpo.EINVALID, "error.contract.evaluation_open")
		}
		if err := checkSelected(ctx, tx, in.EvaluationID, in.VendorID); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, in.OwnerID); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO contracts (evaluation_id, vendor_id, start_date, period_length, owner_id,
				selection_score, selection_rank, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			in.EvaluationID, in.VendorID, in.Start, in.Length, in.OwnerID, in.SelectionScore, in.SelectionRank,
			bpo.UserFromContext(ctx).ID, now).Scan(&id)
		if isUniqueViolation(err, "contracts_evaluation_id_vendor_id_key") {
			return bpo.Errorf(bpo.EINVALID, "error.contract.exists")
		}
		if err != nil {
			return fmt.Errorf("create contract: %w", err)
		}
		kpis, err := prefillKPIs(ctx, tx, id, in.EvaluationID, in.VendorID)
		if err != nil {
			return err
		}
		return auditEval(ctx, tx, now, in.EvaluationID, bpo.EntityContract, id, bpo.ActionCreate, nil, bpo.ContractSnapshot{
			VendorID: in.VendorID, Start: in.Start.Format(time.DateOnly), Length: in.Length, KPIs: kpis})
	})
	if err != nil {
		return nil, err
	}
	return findContract(ctx, s.db.Pool, id, "")
}

func checkSelected(ctx context.Context, tx pgx.Tx, evaluationID, vendorID int64) error {
	var stage string
	err := tx.QueryRow(ctx, `SELECT stage FROM participants WHERE evaluation_id = $1 AND vendor_id = $2`,
		evaluationID, vendorID).Scan(&stage)
	if err != nil && err != pgx.ErrNoRows {
		return fmt.Errorf("check selected: %w", err)
	}
	if bpo.VendorStage(stage) != bpo.StageSelected {
		return bpo.Errorf(bpo.EINVALID, "error.contract.not_selected")
	}
	return nil
}

// checkOwner accepts as account owner a manager or an administrator: the
// people who may enter figures.
func checkOwner(ctx context.Context, tx pgx.Tx, ownerID *int64) error {
	if ownerID == nil {
		return nil
	}
	var role string
	err := tx.QueryRow(ctx, `SELECT role FROM users WHERE id = $1`, *ownerID).Scan(&role)
	if err != nil && err != pgx.ErrNoRows {
		return fmt.Errorf("check owner: %w", err)
	}
	if !bpo.IsManager(&bpo.User{Role: bpo.Role(role)}) {
		return &bpo.Error{Code: bpo.EINVALID, Message: bpo.Message{Key: "error.invalid"},
			Fields: []bpo.FieldError{{Field: "owner", Message: bpo.Message{Key: "error.contract.owner"}}}}
	}
	return nil
}

// prefillKPIs gives a new contract one KPI per measured criterion the
// vendor has a figure for, that figure (its promise) as the target and the
// criterion's effective weight in the evaluation (in points of 100) as the
// weight, then the template's CSAT and QA score.
func prefillKPIs(ctx context.Context, tx pgx.Tx, contractID, evaluationID, vendorID int64) ([]string, error) {
	rows, _ := tx.Query(ctx, `SELECT c.id, c.parent_id, c.weight, c.kind, c.key, c.name_en, c.name_fr, c.unit, c.better, m.value
		FROM criteria c LEFT JOIN measurements m ON m.criterion_id = c.id AND m.vendor_id = $2
		WHERE c.evaluation_id = $1 ORDER BY c.position, c.id`, evaluationID, vendorID)
	type node struct {
		id       int64
		parent   *int64
		weight   float64
		kind     string
		in       bpo.KPIInput
		promised *float64
	}
	nodes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (node, error) {
		var n node
		err := row.Scan(&n.id, &n.parent, &n.weight, &n.kind, &n.in.Key, &n.in.NameEN, &n.in.NameFR, &n.in.Unit, &n.in.Better, &n.promised)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("prefill kpis: %w", err)
	}
	parentOf := func(n node) int64 {
		if n.parent == nil {
			return 0
		}
		return *n.parent
	}
	siblings, byID := map[int64]float64{}, map[int64]node{}
	for _, n := range nodes {
		siblings[parentOf(n)] += n.weight
		byID[n.id] = n
	}
	effective := func(n node) float64 {
		share := 1.0
		for {
			if sum := siblings[parentOf(n)]; sum > 0 {
				share *= n.weight / sum
			} else {
				return 0
			}
			if n.parent == nil {
				return share
			}
			n = byID[*n.parent]
		}
	}
	children := map[int64][]node{} // in position order, as read
	for _, n := range nodes {
		children[parentOf(n)] = append(children[parentOf(n)], n)
	}
	var list []bpo.KPIInput
	var promised []*float64
	var walk func(parent int64) // the tree's order, as the evaluation shows it
	walk = func(parent int64) {
		for _, n := range children[parent] {
			if n.kind == string(bpo.KindMeasured) && n.in.Better != "" && n.promised != nil {
				n.in.Target, n.in.Weight = max(*n.promised, 0), math.Round(effective(n)*1000)/10
				list, promised = append(list, n.in), append(promised, n.promised)
			}
			walk(n.id)
		}
	}
	walk(0)
	for _, t := range bpo.TemplateKPIs() {
		if !slices.ContainsFunc(list, func(k bpo.KPIInput) bool { return k.Key == t.Key }) {
			list, promised = append(list, t), append(promised, nil)
		}
	}
	keys := make([]string, len(list))
	for i, k := range list {
		if err := insertKPI(ctx, tx, contractID, i, k, promised[i]); err != nil {
			return nil, err
		}
		keys[i] = k.Key
	}
	return keys, nil
}

func insertKPI(ctx context.Context, tx pgx.Tx, contractID int64, position int, k bpo.KPIInput, promised *float64) error {
	_, err := tx.Exec(ctx, `INSERT INTO contract_kpis (contract_id, key, name_en, name_fr, unit, better, target, weight, promised, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		contractID, k.Key, k.NameEN, k.NameFR, k.Unit, k.Better, k.Target, k.Weight, promised, position)
	if err != nil {
		return fmt.Errorf("insert kpi: %w", err)
	}
	return nil
}

// lockedContract locks a contract for a change at version.
func lockedContract(ctx context.Context, tx pgx.Tx, id int64, version int) (*bpo.Contract, error) {
	c, err := findContract(ctx, tx, id, "FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if version != c.Version {
		return nil, bpo.Errorf(bpo.ECONFLICT, "error.contract.stale")
	}
	return c, nil
}

// UpdateKPIs implements bpo.ContractService. A KPI's key never changes:
// the figures entered under it keep their meaning.
func (s *ContractService) UpdateKPIs(ctx context.Context, id int64, version int, kpis []bpo.KPIInput) (*bpo.Contract, error) {
	if err := requireManager(ctx); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		c, err := lockedContract(ctx, tx, id, version)
		if err != nil {
			return err
		}
		all, err := mergeKPIs(c, kpis)
		if err != nil {
			return err
		}
		for i, k := range all {
			if k.ID == 0 {
				err = insertKPI(ctx, tx, id, i, k, nil)
			} else {
				_, err = tx.Exec(ctx, `UPDATE contract_kpis SET name_en = $2, name_fr = $3, unit = $4, better = $5,
					target = $6, weight = $7 WHERE id = $1`, k.ID, k.NameEN, k.NameFR, k.Unit, k.Better, k.Target, k.Weight)
			}
			if err != nil {
				return fmt.Errorf("update kpis: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE contracts SET version = version + 1, updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("update contract: %w", err)
		}
		after, err := findContract(ctx, tx, id, "")
		if err != nil {
			return err
		}
		return auditEval(ctx, tx, now, c.EvaluationID, bpo.EntityContract, id, bpo.ActionKPIs,
			bpo.SnapshotOfKPIs(c), bpo.SnapshotOfKPIs(after))
	})
	if err != nil {
		return nil, err
	}
	return findContract(ctx, s.db.Pool, id, "")
}

// mergeKPIs lays the edits over the stored KPIs (those the form leaves
// out stay as they are) and validates the whole set.
func mergeKPIs(c *bpo.Contract, edits []bpo.KPIInput) ([]bpo.KPIInput, error) {
	all := make([]bpo.KPIInput, len(c.KPIs))
	for i, k := range c.KPIs {
		all[i] = bpo.KPIInput{ID: k.ID, Key: k.Key, NameEN: k.NameEN, NameFR: k.NameFR, Unit: k.Unit,
			Better: k.Better, Target: k.Target, Weight: k.Weight}
	}
	for _, e := range edits {
		if e.ID == 0 {
			all = append(all, e)
			continue
		}
		i := slices.IndexFunc(all, func(k bpo.KPIInput) bool { return k.ID == e.ID })
		if i < 0 {
			return nil, bpo.Errorf(bpo.EINVALID, "error.kpi.unknown")
		}
		e.Key = all[i].Key
		all[i] = e
	}
	err := bpo.ValidateKPIs(all, func(name string, row int) string {
		if all[row].ID == 0 {
			return "new_" + name
		}
		return fmt.Sprintf("%s_%d", name, all[row].ID)
	})
	return all, err
}
