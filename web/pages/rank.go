package pages

import "strconv"

// rankLabel shows a vendor's rank; a knocked-out vendor is never ranked
// (rank 0) and shows a dash.
func rankLabel(rank int) string {
	if rank == 0 {
		return "—"
	}
	return strconv.Itoa(rank)
}
