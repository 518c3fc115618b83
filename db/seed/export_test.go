package seed

// SetBulkThreshold lets tests choose whether Run drops and rebuilds indexes and foreign keys
// around the copy; it returns a function restoring the previous threshold.
func SetBulkThreshold(n int) (restore func()) {
	old := bulkThreshold
	bulkThreshold = n
	return func() { bulkThreshold = old }
}
