# The two commands a newcomer needs:
#   make run    serves the API with demo data and the playground at http://localhost:8080/
#   make test   runs every test against the local PostgreSQL
.PHONY: run test assets generate vet build

PLAYGROUND_DIST := graph/playground/dist/graphiql.min.js

run: $(PLAYGROUND_DIST)
	go run . serve

test: $(PLAYGROUND_DIST)
	go test -count=1 ./...

build: $(PLAYGROUND_DIST)
	go build -o bin/prakerja .

# The playground's JavaScript and CSS come from npm at build time and are embedded in the binary.
assets: $(PLAYGROUND_DIST)

$(PLAYGROUND_DIST): graph/playground/web/package-lock.json graph/playground/web/copy.mjs
	cd graph/playground/web && npm ci --no-audit --no-fund && npm run build
	touch $@

generate:
	go generate ./...

vet:
	go vet ./...
