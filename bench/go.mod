module prakerja/bench

go 1.26.8
