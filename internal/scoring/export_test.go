package scoring

// PruneContenders lets the tests turn off the robustness analysis's
// shortcut, to check that it changes nothing.
var PruneContenders = &pruneContenders
