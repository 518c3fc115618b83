// PostGraphile v5 for the benchmark: the Amber preset, connection filters and aggregates, over the
// same database as our server (DATABASE_URL). Production-style settings: no GraphiQL, no explain,
// no watch mode, no introspection-time schema export.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";

// pg-aggregates ships hour and day truncation only. Dashboards group money by calendar month in
// Western Indonesian Time, as our server does (its sessions run with timezone Asia/Jakarta), so
// this adds the month, through the plugin's documented extension point (group-by specs).
const MonthInJakartaPlugin = {
  name: "BenchMonthInJakartaPlugin",
  version: "0.0.0",
  after: ["aggregates"],
  schema: {
    hooks: {
      build(build) {
        const { sql, dataplanPg: { TYPES } } = build;
        build.pgAggregateGroupBySpecs.push({
          id: "truncated-to-month-wib",
          isSuitableType: (codec) => codec === TYPES.timestamptz,
          sqlWrap: (frag) => sql`date_trunc('month', ${frag} AT TIME ZONE 'Asia/Jakarta')`,
          sqlWrapCodec: () => TYPES.timestamp,
        });
        // Enrollments carry course_id, not the course's category; grouping by it needs the
        // category looked up per row (pg-aggregates cannot group by a related table's column).
        build.pgAggregateGroupBySpecs.push({
          id: "course-category",
          isSuitableType: (codec) => codec === TYPES.bigint,
          shouldApplyToEntity: (entity) =>
            entity.type === "attribute" && entity.attributeName === "course_id" &&
            entity.codec?.name === "enrollments",
          sqlWrap: (frag) => sql`(select c.category from public.courses c where c.id = ${frag})`,
          sqlWrapCodec: () => TYPES.text,
        });
        return build;
      },
    },
  },
};

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("DATABASE_URL is required");

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  plugins: [MonthInJakartaPlugin],
  // v5 hides filters and orders on columns without an index; our server offers every filter it
  // documents, so both APIs expose the same ones (the database has the same indexes for both).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public"],
      // The same pool size as our server's default DB_MAX_CONNS.
      poolConfig: { max: Number(process.env.PG_POOL_MAX || 20) },
    }),
  ],
  schema: {
    // connection-filter: allow relation filters (used for nothing timed; handy for checks).
    connectionFilterRelations: true,
  },
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT || 5678),
    graphiql: false,
    watch: false,
    websockets: false,
    // Same body limit as our server's MAX_BODY_BYTES default.
    maxRequestLength: 1 << 20,
  },
  grafast: {
    explain: false,
  },
};

export default preset;
