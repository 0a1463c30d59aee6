// Package scoring is the evaluation engine: it turns a Model (criteria tree,
// weights, knock-outs, vendors' ratings and measured figures) into a Result
// (scores, ranks, a recommendation with its reasons, and how sensitive the
// ranking is to each weight, which withdrawals would reorder the field,
// value for money, and how robust the lead is to uncertain weights),
// following DESIGN.md, "Scoring engine", rules 1–14. It is pure: standard library only, no clock, I/O or logging, and the
// same model always gives the same result, whatever the order of the vendors,
// of the evaluators or of the map entries.
//
// Decode reads the JSON form strictly; Evaluate validates and scores;
// Prepare checks a model's criteria and options once, for scoring sets of
// vendors against them as Evaluate would (a scorecard's subtotal). They
// refuse bad input with an *InputError that names every problem by its path
// (vendors[2].ratings.alice.policies: 7 is outside the scale 1–5). Reasons
// come back as values (a ReasonCode with parameters); package explain phrases
// them and writes the result JSON.
//
// # Where DESIGN.md is silent
//
// The choices below are what a procurement lead would expect; each is tested.
//
// Input:
//   - Criterion keys are unique across the whole tree (categories included),
//     vendor keys across the vendors; the two sets are separate namespaces.
//     Evaluator keys are the keys of a vendor's ratings and must not be empty.
//   - A criterion needs key and weight; a metric needs better. A node with an
//     empty children list is a leaf. A model may have no vendors (the
//     decision is then no_award), but needs at least one criterion.
//   - min_rating must lie on the scale, and belongs on rated leaves only (a
//     measured leaf knocks out with metric.limit); best and worst come
//     together. award_threshold is in 0…100; close_call_margin in (0, 100]:
//     a margin of 0 would award a dead heat to whichever key sorts first.
//   - Ratings may be fractional (3.5) as long as they are on the scale.
//   - In JSON, null for an optional field means the field is absent.
//
// Scoring:
//   - The median of an even number of ratings is the mean of the middle two.
//   - The relative formula (a measured leaf without best and worst) compares
//     with the best figure among all vendors that have one, knocked-out
//     vendors included, as rule 3 says; a vendor without the figure has it
//     missing and gets 0 for it. When no vendor has the figure, nobody is
//     penalised relative to anybody: it is missing for all.
//   - A knock-out needs data: a vendor with no rating (or no figure) on a
//     knock-out criterion is not knocked out but incomplete, which holds the
//     decision anyway. A value equal to min_rating or to the limit passes.
//   - Completeness is exactly 1 when no leaf that carries weight is missing;
//     a missing leaf of weight 0 is listed as missing but costs nothing.
//   - Scores are clamped to 0…100 against rounding.
//
// Ranking (rule 7): a knocked-out vendor has Rank 0 (null in the JSON) and
// is listed after every eligible vendor, by score then key; the eligible
// vendors' ranks count eligible vendors only, so they read 1, 2, 3 whatever
// the knocked-out vendors scored.
//
// Comparing scores: the ranking, the award threshold and the close-call
// margin compare scores rounded to 1e-9 points, because the same total
// reached by different sums can differ in its last bits (20 may come out as
// 19.999999999999996); JSON still carries the full float64. Vendors equal at that precision share a rank,
// list by key, and are separated by a margin of exactly 0.
//
// Recommendation (rule 8):
//   - The leader is the first eligible vendor in rank order (a tie goes to
//     the key that sorts first); the runner-up is the next eligible one. The
//     margin is their difference, and is null when there is no runner-up.
//   - vendor names the winner (award), the narrow leader (close_call) or the
//     provisional leader (incomplete), with the runner-up and margin when
//     there is one. For no_award (all knocked out, or below the threshold)
//     vendor, runner_up and margin are null: nobody is recommended.
//   - A single eligible vendor at or above the threshold is awarded: there is
//     nobody to be close to.
//   - Reasons, decisive one first: the decision's own reason (ReasonNoVendors,
//     ReasonAllKnockedOut, ReasonIncomplete, ReasonBelowThreshold,
//     ReasonSoleEligible, ReasonClearLead or ReasonCloseCall); then one
//     ReasonMissingData per incomplete eligible vendor; one ReasonKnockedOut
//     per knocked-out vendor, naming each failed criterion with the value and
//     the threshold; a ReasonDisputed for the leader and for the runner-up
//     when evaluators disagree on some of their leaves; and, for award and
//     close_call with a runner-up, the smallest single weight change that
//     would change the leader (ReasonNearestFlip) or the assurance that none
//     does (ReasonStable).
//
// Disagreement (rule 9): spread and disputed apply to rated leaves that at
// least one evaluator rated; a single rating has spread 0.
//
// Sensitivity (rule 10):
//   - Only eligible vendors can overtake, and only the eligible leader can be
//     overtaken; with fewer than two eligible vendors every flip_weight is
//     null. Knock-outs depend on values, never on weights, so they do not
//     move.
//   - flip_weight is the crossing point: at exactly that weight the new
//     leader ties the leader (and the tie goes by key, as in the ranking);
//     at any weight beyond it, further from the current weight, the new
//     leader is ahead. A vendor tied with the leader today has flip_weight
//     equal to the current weight.
//   - Where several vendors cross at the same weight, new_leader is the one
//     that leads just beyond it. The search works on the linear form
//     S_k(t) − S_L(t), from the scores themselves, so no division by a
//     small 1 − w is amplified; t is clamped to 0…1 against rounding.
//   - Checking a flip by rescoring with the weight at flip_weight ± δ agrees
//     as long as the two scores then differ by more than the 1e-9 of level.
//   - A crossing within 1e-9 of the end of 0…1 towards which the weight
//     moves is no flip: beyond it there is no weight at which the vendor
//     could be ahead. A vendor tied with the leader today at the current
//     weight still flips, towards the side where it pulls ahead.
//
// Consensus (rule 11):
//   - A consensus belongs on a rated leaf; its value must lie on the scale
//     and its reason must not be blank (spaces alone are no reason). Every
//     such problem is an input error naming vendors[i].consensus.key.
//   - A consensus on a leaf that nobody rated makes the leaf present, with
//     raters 0: the panel may settle a criterion an evaluator skipped.
//   - consensus is true or false on every rated leaf in the result JSON,
//     and null on measured leaves, like raters.
//
// Rank reversal (rule 12):
//   - Removing x changes the others' scores only on the relative leaves of
//     weight > 0 where x alone holds the best figure (knocked-out vendors'
//     figures count, as in rule 3); the reference becomes the best figure
//     of the others. When no other vendor has the figure, or every other
//     figure of a "higher" leaf is 0, nobody's score on it changes.
//   - Every vendor is removed in turn, knocked-out ones included; pairs
//     and leader are over the eligible vendors other than x. Entries are in
//     rank order of the removed vendor; leader is null when no eligible
//     vendor is left.
//   - The reason (ReasonRankReversal) is given whenever there is an
//     eligible leader, whatever the decision, for each x that is not the
//     leader and whose removal changes it; it names the relative leaves
//     through which x does so and suggests best and worst anchors.
//
// Value for money (rule 13):
//   - benefit = Σ of the other leaves' contributions / Σ of their effective
//     weights, which is S_i(0) of rule 10; missing leaves count 0 as in the
//     score. When the cost leaf carries all the weight there is no benefit
//     to plot, and value_for_money is null, as when no eligible vendor has
//     the figure. Points are in rank order.
//   - Frontier comparisons take benefits at the ranking's 1e-9 level and
//     costs exactly, so equal benefits reached by different sums tie.
//
// Robustness (rule 14):
//   - Every weight of the tree, categories included, gets its own factor;
//     a weight of 0 stays 0. A sample's leader is taken at the ranking's
//     1e-9 level, and a tie splits that sample evenly among the tied.
//   - robustness is null when samples is 0 or no vendor is eligible; with
//     one eligible vendor its share is 1 without sampling. The shares are
//     listed per eligible vendor in rank order (an object by key in JSON).
//   - samples must be a whole number (2000.0 is accepted as 2000).
//   - The generator is SplitMix64, fixed by its definition, seeded with
//     the FNV-1a hash of what the analysis reads: samples, spread, each
//     leaf's path, key and effective weight, and each vendor (in rank
//     order, which depends only on scores and keys) with its value and
//     normalized value on each leaf. The order of vendors, evaluators and
//     map entries, the evaluators' names and display names do not enter,
//     so /result and `bpoeval score` of /model agree byte for byte.
//   - Vendors that trail one of the four best-scored vendors by more than
//     1e-8 points under every weighting in the spread are not sampled: the
//     least lead is computed exactly over the box of factors, and their
//     share is 0 either way (a test checks the shares are identical).
//   - The reason (ReasonRobustness) is given with the flip reason, for
//     award and close_call with a runner-up; it lists the vendors with a
//     share above 0, the largest first.
package scoring
