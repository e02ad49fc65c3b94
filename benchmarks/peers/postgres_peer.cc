#include "benchmarks/peers/postgres_peer.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/model/dates.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/scoring/constants.h"

namespace passerelle::benchmarks {
namespace {

namespace sc = engine::scoring;

// The SQL below writes the model's constants as literals, as application SQL would; these fail to
// compile when constants.h changes, so the peer cannot silently drift from the engine.
static_assert(sc::kOccupationMobility == 0.7f && sc::kOccupationSameDomaine == 0.5f &&
              sc::kOccupationSameGrandDomaine == 0.2f && sc::kWishRankStep == 0.05f && sc::kWishRankFloor == 0.85f &&
              sc::kPastBase == 0.8f && sc::kPastPerYear == 0.04f && sc::kPastYearsCap == 5.0f);
static_assert(sc::kRequiredSkillWeight == 1.0f && sc::kDesiredSkillWeight == 0.5f);
static_assert(sc::kHoursPerCefrStep[0] == 200 && sc::kHoursPerCefrStep[1] == 200 && sc::kHoursPerCefrStep[2] == 200 &&
              sc::kHoursPerCefrStep[3] == 250 && sc::kHoursPerCefrStep[4] == 300 && sc::kHoursPerCefrStep[5] == 300);
static_assert(sc::kFrenchGapClosable == 0.7f && sc::kFrenchDesiredGapPenalty == 0.35f && sc::kFrenchDeclaredOnly == 0.9f);
static_assert(sc::kRadiusWalkingKm == 3 && sc::kRadiusBicycleKm == 10 && sc::kRadiusPublicTransportKm == 30 &&
              sc::kRadiusCarKm == 50 && sc::kEarthRadiusKm == 6371.0088f && sc::kRelocationMobilityScore == 0.4f &&
              sc::kDesiredLicenceMissingFactor == 0.8f);
static_assert(sc::kHousingBarrierScore == 0.3f && sc::kTimingHalfLifeDays == 56 && sc::kScheduleShare == 0.5f);
static_assert(sc::kExperienceExactShare == 1.0f && sc::kExperienceMobilityShare == 0.5f &&
              sc::kExperienceSameDomaineShare == 0.25f && sc::kExperienceDesiredFloor == 0.6f &&
              sc::kExperienceRequiredFloor == 0.2f && sc::kQualificationUnrecognisedScore == 0.8f &&
              sc::kQualificationPerLevel == 0.25f && sc::kQualificationDesiredFloor == 0.5f &&
              sc::kQualificationRequiredFloor == 0.0f && sc::kExperienceShare == 0.6f);
static_assert(sc::kDesiredAssetsShare == 0.2f && sc::kDesiredLicencePendingCredit == 0.5f);
static_assert(static_cast<int>(engine::TransportMode::kWalking) == 1 &&
              static_cast<int>(engine::TransportMode::kBicycle) == 2 && static_cast<int>(engine::TransportMode::kCar) == 4);
static_assert(static_cast<int>(engine::HousingStatus::kEmergency) == 2 &&
              static_cast<int>(engine::HousingStatus::kNone) == 3);
static_assert(static_cast<int>(engine::Requirement::kDesired) == 1 &&
              static_cast<int>(engine::Requirement::kRequired) == 2);

constexpr char kSchemaSql[] = R"sql(
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS intarray;

-- ROME 4.0 occupations and the directional mobility links (rubrique_mobilite). The domaine professionnel
-- is the code's first three characters (F17), the grand domaine its letter (F).
CREATE TABLE rome_occupation (
  code          text PRIMARY KEY,
  domaine_code  text NOT NULL,
  grand_domaine text NOT NULL
);
CREATE TABLE rome_mobility (
  from_code text NOT NULL REFERENCES rome_occupation,
  to_code   text NOT NULL REFERENCES rome_occupation,
  PRIMARY KEY (from_code, to_code)
);

CREATE TABLE candidate (
  id                   text PRIMARY KEY,
  commune_insee        text NOT NULL,
  geog                 geography(Point, 4326) NOT NULL,   -- commune centroid
  ux real NOT NULL, uy real NOT NULL, uz real NOT NULL,   -- the same centroid as the unit vector stored at write time
  transport_mode       smallint NOT NULL,                 -- 0 unstated, 1 walking, 2 bicycle, 3 public transport, 4 car
  max_commute_km       real NOT NULL,                     -- 0 = from the transport mode
  driving_licence      boolean NOT NULL,                  -- HoldsDrivingLicence: the flag or a car category
  vehicle              boolean NOT NULL,
  radius_km            real GENERATED ALWAYS AS (
                         CASE WHEN max_commute_km > 0 THEN max_commute_km
                              WHEN transport_mode = 1 THEN 3
                              WHEN transport_mode = 2 THEN 10
                              WHEN transport_mode = 4 AND driving_licence AND vehicle THEN 50
                              ELSE 30 END) STORED,
  relocation_accepted  boolean NOT NULL,
  housing              smallint NOT NULL,                 -- 0 stable, 1 temporary, 2 emergency shelter, 3 none
  french_level         smallint NOT NULL,                 -- 0 pre-A1, 1 A1 .. 6 C2
  french_attested      boolean NOT NULL,
  french_hours_planned real NOT NULL,
  skills               int[] NOT NULL,                    -- ROME skill items (code_ogr), sorted, unique
  wished_occupations   text[] NOT NULL,                   -- ROME codes, most wished first
  past_occupations     text[] NOT NULL,                   -- ROME codes ...
  past_years           real[] NOT NULL,                   -- ... and the years spent in each
  accepted_contracts   integer NOT NULL,                  -- bit i = contract type i; 0 = any
  available_from       date NOT NULL,
  weekly_availability  integer NOT NULL,                  -- bit day*4 + slot; 0 = any time
  right_to_work        boolean NOT NULL,
  held_licences        integer NOT NULL,                  -- bit i = licence category i held valid in France
  min_monthly_salary_eur real NOT NULL,                   -- gross; 0 = any
  -- languages spoken: word k has bit i (i+16) for language i of kScoredLanguages at CEFR level 2k+1 (2k+2)
  -- or above (engine/model/language_columns.h), as int32
  languages_0 integer NOT NULL, languages_1 integer NOT NULL, languages_2 integer NOT NULL,
  qualification_level  smallint NOT NULL,                 -- 3 = CAP .. 8 = doctorate; 0 = none stated
  qualification_recognised boolean NOT NULL,              -- French diploma or ENIC-NARIC attestation
  pending_licences     integer NOT NULL                   -- bit i = category i held abroad, exchange under way
);

CREATE TABLE opening (
  id                    text PRIMARY KEY,
  employer_id           text NOT NULL,
  rome_code             text NOT NULL REFERENCES rome_occupation,
  commune_insee         text NOT NULL,
  geog                  geography(Point, 4326) NOT NULL,
  ux real NOT NULL, uy real NOT NULL, uz real NOT NULL,
  required_skills       int[] NOT NULL,                   -- exigence E, sorted, unique
  desired_skills        int[] NOT NULL,                   -- exigence S, sorted, unique, none of them required
  french_min_level      smallint NOT NULL,
  french_requirement    smallint NOT NULL,                -- 0 none, 1 desired (S), 2 required (E)
  french_training_hours real NOT NULL,
  driving_licence       smallint NOT NULL,                -- 0 none, 1 desired (S), 2 required (E)
  contract              smallint NOT NULL,                -- contract type 0 .. 11
  start_date            date NOT NULL,
  weekly_schedule       integer NOT NULL,                 -- bit day*4 + slot; 0 = not stated
  housing_provided      boolean NOT NULL,
  hard_to_fill          boolean NOT NULL,
  tension               real NOT NULL,                    -- index of (ROME code, région), hard-to-fill floor applied
  licences_required     integer NOT NULL,                 -- bit i = licence category i required (E)
  night_work            boolean NOT NULL,
  weekend_work          boolean NOT NULL,
  salary_monthly_max_eur real NOT NULL,                   -- gross; 0 = not stated
  expires_on            integer NOT NULL,                 -- last open day (days since 1970-01-01); 0 = none
  -- required languages (exigence E), the bit of the level asked in the same words
  languages_required_0 integer NOT NULL, languages_required_1 integer NOT NULL, languages_required_2 integer NOT NULL,
  training_provided     boolean NOT NULL,                 -- job training on the route (engine/model/route.h)
  core_skills           int[] NOT NULL,                   -- required items core to the occupation, sorted (weight 2)
  experience_requirement smallint NOT NULL,               -- 0 none, 1 desired (S), 2 required (E)
  experience_months     real NOT NULL,                    -- months asked in the occupation
  qualification_requirement smallint NOT NULL,            -- 0 none, 1 desired, 2 required
  qualification_level   smallint NOT NULL,                -- level asked; 0 = none
  -- desired assets (exigence S): languages at the level asked in the same words, licence categories
  languages_desired_0 integer NOT NULL, languages_desired_1 integer NOT NULL, languages_desired_2 integer NOT NULL,
  licences_desired      integer NOT NULL                  -- bit i = licence category i desired (S)
);
)sql";

constexpr char kIndexSql[] = R"sql(
CREATE INDEX candidate_geog ON candidate USING gist (geog);
CREATE INDEX candidate_radius ON candidate (radius_km);
CREATE INDEX candidate_skills ON candidate USING gin (skills gin__int_ops);
CREATE INDEX opening_geog ON opening USING gist (geog);
CREATE INDEX opening_housing ON opening (id) WHERE housing_provided;
CREATE INDEX opening_rome ON opening (rome_code);
CREATE INDEX opening_required_skills ON opening USING gin (required_skills gin__int_ops);
)sql";

// Everything about one pair (c = candidate row, o = opening row) after the FROM of the reachable rows:
// p = distance, schedule coverage, French hours and credited experience months; s = the eight criterion
// scores. Then the hard constraints. Shared by both directions, so they score the same model; only the
// occupation criterion (%OCCUPATION%) and the credited months (%EXPERIENCE%) are written per direction,
// so that the fixed side's ROME mobility links are read once per query rather than probed per pair.
constexpr char kPairSql[] = R"sql(
  CROSS JOIN LATERAL (SELECT
    -- great-circle distance from the chord between unit vectors (docs/scoring.md)
    2 * 6371.0088 * asin(least(1, sqrt((c.ux - o.ux) ^ 2 + (c.uy - o.uy) ^ 2 + (c.uz - o.uz) ^ 2) / 2)) AS km,
    -- share of the opening's shifts the person covers; 1 when either states none
    CASE WHEN c.weekly_availability = 0 OR o.weekly_schedule = 0 THEN 1
         ELSE bit_count((c.weekly_availability & o.weekly_schedule)::bit(32))::float8
              / bit_count(o.weekly_schedule::bit(32)) END AS coverage,
    -- hours of French from the person's level to the required one (200, 200, 200, 250, 300, 300 per step)
    greatest(0, (ARRAY[0, 200, 400, 600, 850, 1150, 1450])[o.french_min_level + 1]
              - (ARRAY[0, 200, 400, 600, 850, 1150, 1450])[c.french_level + 1])::float8 AS french_hours_needed,
    -- months of experience credited towards the opening's occupation (best past occupation)
    %EXPERIENCE% AS credited_months
  ) AS p
  CROSS JOIN LATERAL (SELECT
    -- the day the person can start: short of a stated French level, the route's steps in whole days
    -- (French before it at 20 h a week, the POEC at 35 h unless the opening is the POEC, 450 h of job
    -- training at 35 h unless a work-study contract or a POEC), from the query's day (0 = unknown: from
    -- available_from)
    greatest(c.available_from, CASE WHEN o.french_requirement > 0 AND c.french_level < o.french_min_level THEN
        CASE WHEN %TODAY% > 0 THEN DATE '1970-01-01' + %TODAY% ELSE c.available_from END
        + ceil(greatest(0, p.french_hours_needed - o.french_training_hours) * 7 / 20)::int
        + ceil(CASE WHEN o.contract = 7 THEN 0 ELSE o.french_training_hours END * 7 / 35::float8)::int
        + CASE WHEN o.training_provided AND o.contract NOT IN (4, 5, 6, 7) THEN ceil(450 * 7 / 35::float8)::int ELSE 0 END
      ELSE c.available_from END) AS ready_day
  ) AS r
  CROSS JOIN LATERAL (SELECT
    -- desired assets: items asked (languages at a level, licence categories) and the credit of those held
    -- (a category being exchanged counts 0.5)
    bit_count(o.languages_desired_0::bit(32)) + bit_count(o.languages_desired_1::bit(32))
      + bit_count(o.languages_desired_2::bit(32)) + bit_count(o.licences_desired::bit(32)) AS asked,
    (bit_count((o.languages_desired_0 & c.languages_0)::bit(32)) + bit_count((o.languages_desired_1 & c.languages_1)::bit(32))
      + bit_count((o.languages_desired_2 & c.languages_2)::bit(32)) + bit_count((o.licences_desired & c.held_licences)::bit(32)))::float8
      + 0.5 * bit_count((o.licences_desired & c.pending_licences & ~c.held_licences)::bit(32)) AS credit
  ) AS d
  CROSS JOIN LATERAL (SELECT
    %OCCUPATION% AS occupation,
    CASE WHEN icount(o.required_skills) + icount(o.desired_skills) = 0 THEN 1
         ELSE (icount(c.skills & o.required_skills) + icount(c.skills & o.core_skills)
               + 0.5 * icount(c.skills & o.desired_skills)::float8)
              / (icount(o.required_skills) + icount(o.core_skills) + 0.5 * icount(o.desired_skills)::float8) END AS skills,
    CASE WHEN o.french_requirement = 0 THEN 1
         WHEN c.french_level >= o.french_min_level THEN CASE WHEN c.french_attested THEN 1::float8 ELSE 0.9 END
         WHEN p.french_hours_needed <= o.french_training_hours + c.french_hours_planned THEN 0.7
         WHEN o.french_requirement = 1 THEN greatest(0, 1 - 0.35 * (o.french_min_level - c.french_level)::float8)
         ELSE 0.7 END AS french,
    CASE WHEN p.km <= c.radius_km THEN exp(-ln(2::float8) * (p.km / c.radius_km) ^ 2) ELSE 0.4 END
      * CASE WHEN o.driving_licence = 1 AND NOT c.driving_licence THEN 0.8::float8 ELSE 1 END AS mobility,
    CASE WHEN (c.housing IN (2, 3) OR p.km > c.radius_km) AND NOT o.housing_provided THEN 0.3::float8 ELSE 1 END AS housing,
    o.tension::float8 AS tension,
    -- a start date of day 0 (1970-01-01) is none stated: no wait; one already past counts from the day
    exp(-ln(2::float8) * CASE WHEN o.start_date = DATE '1970-01-01' THEN 0
                             ELSE greatest(0, r.ready_day - greatest(o.start_date, DATE '1970-01-01' + %TODAY%)) END::float8 / 56)
      * (0.5 + 0.5 * p.coverage) AS timing,
    -- experience (floor 0.2 required, 0.6 desired) and qualification (0.8 met unrecognised, -0.25 a
    -- level down to 0 required, 0.5 desired), 0.6 / 0.4; when desired assets are asked, 0.8 of that and
    -- 0.2 of their credit over the items asked
    CASE WHEN d.asked > 0 THEN 0.8 ELSE 1 END * (0.6 * CASE WHEN o.experience_requirement > 0 AND o.experience_months > 0 THEN
              CASE WHEN o.experience_requirement = 2 THEN 0.2 ELSE 0.6 END
              + (1 - CASE WHEN o.experience_requirement = 2 THEN 0.2 ELSE 0.6 END)
                * least(greatest(p.credited_months, 0) / greatest(o.experience_months, 1), 1)
            ELSE 1 END
    + 0.4 * CASE WHEN o.qualification_requirement > 0 AND o.qualification_level > 0 THEN
              CASE WHEN c.qualification_level >= o.qualification_level THEN
                     CASE WHEN c.qualification_recognised THEN 1 ELSE 0.8 END
                   ELSE greatest(1 - 0.25 * (o.qualification_level - c.qualification_level),
                                 CASE WHEN o.qualification_requirement = 2 THEN 0 ELSE 0.5 END) END
            ELSE 1 END)
    + CASE WHEN d.asked > 0 THEN 0.2 * d.credit / d.asked ELSE 0 END AS experience
  ) AS s
WHERE c.right_to_work
  AND (c.accepted_contracts = 0 OR c.accepted_contracts & (1 << o.contract) <> 0)
  AND p.coverage > 0
  AND (p.km <= c.radius_km OR (c.relocation_accepted AND o.housing_provided))
  AND NOT (o.driving_licence = 2 AND NOT c.driving_licence)
  AND o.licences_required & ~c.held_licences = 0
  -- night slots (bit day*4 + 3) and Saturday-Sunday slots (bits 20 .. 27)
  AND (c.weekly_availability = 0
       OR ((NOT o.night_work OR c.weekly_availability & x'08888888'::int <> 0)
           AND (NOT o.weekend_work OR c.weekly_availability & x'0FF00000'::int <> 0)))
  AND NOT (c.min_monthly_salary_eur > 0 AND o.salary_monthly_max_eur > 0
           AND o.salary_monthly_max_eur < c.min_monthly_salary_eur)
  -- expiry against the peer's day (PostgresPeerOptions::today, 0 = unknown)
  AND NOT (%TODAY% <> 0 AND o.expires_on <> 0 AND o.expires_on < %TODAY%)
  AND o.languages_required_0 & ~c.languages_0 = 0 AND o.languages_required_1 & ~c.languages_1 = 0
  AND o.languages_required_2 & ~c.languages_2 = 0
  AND NOT (o.french_requirement = 2 AND c.french_level < o.french_min_level
           AND p.french_hours_needed > o.french_training_hours + c.french_hours_planned))sql";

// The candidate's occupations with their factors: wished (rank r: max(0.85, 1 - 0.05 (r - 1))) and past
// (0.8 + 0.04 min(years, 5)); a code listed twice counts with its larger factor through max() below.
constexpr char kCandidateOccupationsSql[] = R"sql(SELECT w.code, greatest(0.85, 1 - 0.05 * (w.rank - 1)::float8) AS factor
               FROM unnest(c.wished_occupations) WITH ORDINALITY AS w(code, rank)
             UNION ALL
             SELECT x.code, 0.8 + 0.04 * least(x.years, 5)::float8
               FROM unnest(c.past_occupations, c.past_years) AS x(code, years))sql";

// Occupation for MatchCandidates: the opening's o.mobility_from (codes ROME links to its code) is read
// once; each candidate's codes are unnested per pair.
constexpr char kOccupationByOpeningSql[] = R"sql((SELECT coalesce(max(occ.factor * CASE
              WHEN occ.code = o.rome_code THEN 1::float8
              WHEN occ.code = ANY (o.mobility_from) THEN 0.7
              WHEN left(occ.code, 3) = left(o.rome_code, 3) THEN 0.5
              WHEN left(occ.code, 1) = left(o.rome_code, 1) THEN 0.2
              ELSE 0 END), 0)
       FROM (%CANDIDATE_OCCUPATIONS%) AS occ))sql";

// Occupation for MatchOpenings: the candidate's codes, factors and mobility targets are read once
// (candidate_occupation), then looked at per opening.
constexpr char kOccupationByCandidateSql[] = R"sql((SELECT coalesce(max(occ.factor * CASE
              WHEN occ.code = o.rome_code THEN 1::float8
              WHEN o.rome_code = ANY (occ.mobility_to) THEN 0.7
              WHEN left(occ.code, 3) = left(o.rome_code, 3) THEN 0.5
              WHEN left(occ.code, 1) = left(o.rome_code, 1) THEN 0.2
              ELSE 0 END), 0)
       FROM candidate_occupation AS occ))sql";

// Credited experience months for MatchCandidates: each candidate's past codes are unnested per pair
// against the opening's o.mobility_from (12 * years * share: 1 same code, 0.5 mobility link, 0.25 same
// domaine).
constexpr char kExperienceByOpeningSql[] = R"sql((SELECT coalesce(max(12 * greatest(x.years, 0)::float8 * CASE
              WHEN x.code = o.rome_code THEN 1::float8
              WHEN x.code = ANY (o.mobility_from) THEN 0.5
              WHEN left(x.code, 3) = left(o.rome_code, 3) THEN 0.25
              ELSE 0 END), 0)
       FROM unnest(c.past_occupations, c.past_years) AS x(code, years)))sql";

// The same for MatchOpenings: the candidate's past codes, years and mobility targets are read once
// (candidate_past).
constexpr char kExperienceByCandidateSql[] = R"sql((SELECT coalesce(max(12 * greatest(x.years, 0)::float8 * CASE
              WHEN x.code = o.rome_code THEN 1::float8
              WHEN o.rome_code = ANY (x.mobility_to) THEN 0.5
              WHEN left(x.code, 3) = left(o.rome_code, 3) THEN 0.25
              ELSE 0 END), 0)
       FROM candidate_past AS x))sql";

std::string PairSql(const char* occupation, const char* experience, int32_t today) {
  return absl::StrReplaceAll(
      absl::StrReplaceAll(kPairSql, {{"%OCCUPATION%", occupation}, {"%EXPERIENCE%", experience}}),
                             {{"%CANDIDATE_OCCUPATIONS%", kCandidateOccupationsSql}, {"%TODAY%", absl::StrCat(today)}});
}

// total = Σ (w_k / Σ w) s_k, summed in criterion order.
std::string TotalSql(const engine::ScoringProfile& profile) {
  static constexpr const char* kColumns[engine::kCriterionCount] = {
      "occupation", "skills", "french", "mobility", "housing", "tension", "timing", "experience"};
  double sum = 0;
  for (float w : profile.weights) sum += w;
  std::vector<std::string> terms;
  for (int k = 0; k < engine::kCriterionCount; ++k) {
    terms.push_back(absl::StrFormat("%.17g * s.%s", profile.weights[k] / sum, kColumns[k]));
  }
  return absl::StrJoin(terms, " + ");
}

std::string StrictSql(const engine::ScoringProfile& profile) {
  return profile.strict_required_skills ? "\n  AND icount(c.skills & o.required_skills) = icount(o.required_skills)" : "";
}

// COPY text format: backslash, tab and newline escaped.
std::string CopyText(const std::string& s) {
  return absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\t", "\\t"}, {"\n", "\\n"}, {"\r", "\\r"}});
}

std::string Bool(bool b) { return b ? "t" : "f"; }

// Day 0 is 1970-01-01 to the engine's arithmetic (FormatDay leaves it empty: "not stated").
std::string Date(engine::Day day) { return day == 0 ? "1970-01-01" : engine::FormatDay(day); }

std::string IntArray(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

std::string SkillCodes(const engine::ReferenceData& data, const std::vector<int32_t>& indices) {
  std::vector<int64_t> codes;
  for (int32_t i : indices) codes.push_back(data.skills()[i].code_ogr);
  return IntArray(std::move(codes));
}

std::string Point(const engine::ReferenceData& data, int32_t commune) {
  const engine::Commune& c = data.communes()[commune];
  return absl::StrFormat("SRID=4326;POINT(%.9f %.9f)", c.longitude_deg, c.latitude_deg);
}

std::string Vector(const engine::UnitVector& v) { return absl::StrFormat("%.9g\t%.9g\t%.9g", v.x, v.y, v.z); }

std::string ReadTail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

}  // namespace

const char* PostgresPeer::SchemaSql() { return kSchemaSql; }
const char* PostgresPeer::IndexSql() { return kIndexSql; }

std::string PostgresPeer::MatchCandidatesSql(const engine::ScoringProfile& profile, int32_t today) {
  return absl::StrCat(R"sql(WITH o AS (
  SELECT opening.*, ARRAY(SELECT m.from_code FROM rome_mobility m WHERE m.to_code = opening.rome_code) AS mobility_from
    FROM opening WHERE id = $1),
reach AS (
  -- candidates whose commute may reach the opening: GiST, bounded by the largest radius anyone has
  -- (+100 m: the centroids' geography and the stored unit vectors differ by under a metre)
  SELECT c.* FROM o JOIN candidate c
      ON ST_DWithin(c.geog, o.geog, (SELECT max(radius_km) FROM candidate) * 1000 + 100, false)
  UNION ALL
  -- farther ones who would move, when the opening provides housing
  SELECT c.* FROM o JOIN candidate c
      ON o.housing_provided AND c.relocation_accepted
     AND NOT ST_DWithin(c.geog, o.geog, (SELECT max(radius_km) FROM candidate) * 1000 + 100, false)
)
SELECT c.id, )sql",
                      TotalSql(profile), " AS score\nFROM o CROSS JOIN reach AS c",
                      PairSql(kOccupationByOpeningSql, kExperienceByOpeningSql, today), StrictSql(profile),
                      "\nORDER BY score DESC, c.id\nLIMIT $2");
}

std::string PostgresPeer::MatchOpeningsSql(const engine::ScoringProfile& profile, int32_t today) {
  return absl::StrCat(R"sql(WITH c AS (SELECT * FROM candidate WHERE id = $1),
candidate_occupation AS (
  SELECT occ.code, max(occ.factor) AS factor,
         ARRAY(SELECT m.to_code FROM rome_mobility m WHERE m.from_code = occ.code) AS mobility_to
    FROM c, LATERAL ()sql", kCandidateOccupationsSql, R"sql() AS occ
   GROUP BY occ.code),
candidate_past AS (
  SELECT x.code, max(x.years) AS years,
         ARRAY(SELECT m.to_code FROM rome_mobility m WHERE m.from_code = x.code) AS mobility_to
    FROM c, unnest(c.past_occupations, c.past_years) AS x(code, years)
   GROUP BY x.code),
reach AS (
  -- openings within the person's commute radius: GiST (+100 m, as for candidates)
  SELECT o.* FROM c JOIN opening o ON ST_DWithin(o.geog, c.geog, c.radius_km * 1000 + 100, false)
  UNION ALL
  -- farther ones providing housing, when the person would move
  SELECT o.* FROM c JOIN opening o
      ON c.relocation_accepted AND o.housing_provided
     AND NOT ST_DWithin(o.geog, c.geog, c.radius_km * 1000 + 100, false)
)
SELECT o.id, )sql",
                      TotalSql(profile), " AS score\nFROM c CROSS JOIN reach AS o",
                      PairSql(kOccupationByCandidateSql, kExperienceByCandidateSql, today), StrictSql(profile),
                      "\nORDER BY score DESC, o.id\nLIMIT $2");
}

absl::StatusOr<std::unique_ptr<PostgresPeer>> PostgresPeer::Start(const PostgresPeerOptions& options) {
  std::unique_ptr<PostgresPeer> peer(new PostgresPeer());  // its destructor cleans up every failure below
  peer->options_ = options;
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    const std::string path = options.bin_dir + "/" + tool;
    if (access(path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " not found: install postgresql-15 and postgresql-15-postgis-3 (scripts/install-deps.sh)"));
    }
  }
  std::string templ = options.temp_parent + "/passerelle-pg-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", templ, ": ", std::strerror(errno)));
  }
  peer->dir_ = templ;

  // The watchdog: a shell in its own session that waits for EOF on a pipe only this process holds, then
  // stops the server (immediate shutdown) and deletes the directory. Normally it finds nothing to do.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  static constexpr char kWatchdog[] =
      "cat >/dev/null; pid=$(head -n 1 \"$1/data/postmaster.pid\" 2>/dev/null); "
      "if [ -n \"$pid\" ]; then kill -QUIT \"$pid\" 2>/dev/null; "
      "while kill -0 \"$pid\" 2>/dev/null; do sleep 0.1; done; fi; rm -rf \"$1\"";
  const pid_t watchdog = fork();
  if (watchdog == 0) {
    setsid();
    dup2(fds[0], 0);
    if (devnull >= 0) dup2(devnull, 1), dup2(devnull, 2);
    execl("/bin/sh", "sh", "-c", kWatchdog, "sh", peer->dir_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  if (devnull >= 0) close(devnull);
  if (watchdog < 0) {
    close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  peer->watchdog_pid_ = watchdog;
  peer->watchdog_fd_ = fds[1];

  if (geteuid() == 0) {
    const passwd* pw = getpwnam(options.run_as.c_str());
    if (pw == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "running as root and there is no user \"", options.run_as,
          "\" to run PostgreSQL as (initdb refuses root); the postgresql-15 package creates it"));
    }
    if (chown(peer->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", peer->dir_, ": ", std::strerror(errno)));
    }
    peer->as_other_user_ = true;
  }
  const std::string data_dir = peer->dir_ + "/data";
  if (absl::Status s = peer->RunServerCommand({options.bin_dir + "/initdb", "-D", data_dir, "-U", "postgres",
                                               "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"});
      !s.ok()) {
    return s;
  }
  {
    // A throwaway cluster: no TCP, the socket in our directory, durability off (it only speeds up loading),
    // memory for the whole data set, costs for data in RAM.
    std::ofstream conf(data_dir + "/postgresql.conf", std::ios::app);
    conf << "\n# passerelle benchmark peer\n"
         << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << peer->dir_ << "'\n"
         << "port = 5432\n"
         << "shared_buffers = " << options.shared_buffers_mb << "MB\n"
         << "work_mem = 64MB\n"
         << "maintenance_work_mem = 512MB\n"
         << "effective_cache_size = 4GB\n"
         << "random_page_cost = 1.1\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "max_wal_size = 8GB\n"
         << "dynamic_shared_memory_type = mmap\n"
         // JIT compiles each execution of these queries (their estimated cost is high because of the
         // relocation branch) and costs 1.5 s per query at 100k candidates for 36 ms of execution: a platform
         // team would turn it off, so the peer does (--postgres_conf="jit = on" measures the default).
         << "jit = off\n";
    for (const std::string& line : options.extra_settings) conf << line << "\n";
    if (!conf) return absl::InternalError(absl::StrCat("cannot write ", data_dir, "/postgresql.conf"));
  }
  if (absl::Status s = peer->RunServerCommand({options.bin_dir + "/pg_ctl", "start", "-w", "-t", "120", "-D", data_dir,
                                               "-l", peer->dir_ + "/server.log"});
      !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "\nserver log:\n", ReadTail(peer->dir_ + "/server.log", 2000)));
  }
  peer->server_started_ = true;
  const std::string conninfo = absl::StrCat("host=", peer->dir_, " port=5432 user=postgres dbname=postgres");
  peer->conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(peer->conn_) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("connecting to ", conninfo, ": ", PQerrorMessage(peer->conn_)));
  }
  PQsetNoticeProcessor(peer->conn_, [](void*, const char*) {}, nullptr);
  absl::StatusOr<std::string> version = peer->QueryText("SHOW server_version");
  if (!version.ok()) return version.status();
  peer->server_version_ = *version;
  return peer;
}

absl::Status PostgresPeer::RunServerCommand(const std::vector<std::string>& args) {
  const std::string log = dir_ + "/setup.log";
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(absl::StrCat("open ", log, ": ", std::strerror(errno)));
  uid_t uid = 0;
  gid_t gid = 0;
  if (as_other_user_) {
    const passwd* pw = getpwnam(options_.run_as.c_str());
    if (pw == nullptr) return absl::InternalError("getpwnam " + options_.run_as);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    if (fchown(log_fd, uid, gid) != 0) {}  // best effort: the log stays readable by root either way
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    if (chdir(dir_.c_str()) != 0) _exit(126);
    if (as_other_user_ && (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(args, " "), " failed (status ", status, "):\n",
                                            ReadTail(log, 2000)));
  }
  return absl::OkStatus();
}

void PostgresPeer::StopAndRemove() {
  if (conn_ != nullptr) PQfinish(conn_), conn_ = nullptr;
  if (server_started_) {
    absl::Status s =
        RunServerCommand({options_.bin_dir + "/pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", dir_ + "/data"});
    if (!s.ok()) std::fprintf(stderr, "postgres peer: %s\n", std::string(s.message()).c_str());
    server_started_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
  if (watchdog_fd_ >= 0) close(watchdog_fd_), watchdog_fd_ = -1;  // the watchdog exits: nothing left to do
  if (watchdog_pid_ > 0) {
    while (waitpid(watchdog_pid_, nullptr, 0) < 0 && errno == EINTR) {}
    watchdog_pid_ = -1;
  }
}

PostgresPeer::~PostgresPeer() { StopAndRemove(); }

absl::Status PostgresPeer::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  absl::Status status = absl::OkStatus();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    status = absl::InternalError(absl::StrCat("postgres: ", PQresultErrorMessage(r), "in: ", sql.substr(0, 300)));
  }
  PQclear(r);
  return status;
}

absl::StatusOr<std::string> PostgresPeer::QueryText(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    return absl::InternalError(absl::StrCat("postgres: ", message));
  }
  std::string out;
  for (int row = 0; row < PQntuples(r); ++row) {
    for (int col = 0; col < PQnfields(r); ++col) absl::StrAppend(&out, col ? "\t" : "", PQgetvalue(r, row, col));
    if (row + 1 < PQntuples(r)) out += "\n";
  }
  PQclear(r);
  return out;
}

absl::Status PostgresPeer::Copy(const std::string& copy_sql, const std::string& rows) {
  PGresult* r = PQexec(conn_, copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    return absl::InternalError(absl::StrCat("postgres: ", message, "in: ", copy_sql));
  }
  PQclear(r);
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < rows.size(); at += kChunk) {
    const size_t n = std::min(kChunk, rows.size() - at);
    if (PQputCopyData(conn_, rows.data() + at, static_cast<int>(n)) != 1) {
      return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn_)));
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn_)));
  absl::Status status = absl::OkStatus();
  while ((r = PQgetResult(conn_)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && status.ok()) {
      status = absl::InternalError(absl::StrCat("postgres: ", PQresultErrorMessage(r), "in: ", copy_sql));
    }
    PQclear(r);
  }
  return status;
}

absl::Status PostgresPeer::Load(const engine::ReferenceData& data,
                                absl::Span<const std::shared_ptr<const engine::ResolvedCandidate>> candidates,
                                absl::Span<const std::shared_ptr<const engine::ResolvedOpening>> openings,
                                const engine::ScoringProfile& profile) {
  auto start = std::chrono::steady_clock::now();
  auto lap = [&start] {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start).count();
    start = now;
    return seconds;
  };
  if (absl::Status s = Exec(kSchemaSql); !s.ok()) return s;

  std::string rows;
  for (const engine::RomeOccupation& occ : data.occupations()) {
    absl::StrAppend(&rows, occ.code, "\t", occ.domaine_code, "\t", std::string(1, occ.grand_domaine), "\n");
  }
  if (absl::Status s = Copy("COPY rome_occupation FROM STDIN", rows); !s.ok()) return s;
  rows.clear();
  for (int32_t from = 0; from < static_cast<int32_t>(data.occupations().size()); ++from) {
    for (int32_t to : data.MobilityTargets(from)) {
      absl::StrAppend(&rows, data.occupations()[from].code, "\t", data.occupations()[to].code, "\n");
    }
  }
  if (absl::Status s = Copy("COPY rome_mobility FROM STDIN", rows); !s.ok()) return s;

  // Candidates and openings in batches of 100k rows, so that 1M rows never sit in one string.
  constexpr size_t kBatch = 100000;
  for (size_t begin = 0; begin < candidates.size(); begin += kBatch) {
    rows.clear();
    for (size_t i = begin; i < std::min(candidates.size(), begin + kBatch); ++i) {
      const engine::ResolvedCandidate& c = *candidates[i];
      const engine::Candidate& r = c.record;
      std::vector<std::string> past_codes, past_years;
      for (const engine::PastOccupation& p : r.past_occupations) {
        past_codes.push_back(p.rome_code);
        past_years.push_back(absl::StrFormat("%.9g", p.years));
      }
      absl::StrAppend(&rows, CopyText(r.id), "\t", r.commune_insee, "\t", Point(data, c.commune_index), "\t",
                      Vector(c.position), "\t", static_cast<int>(r.transport_mode), "\t",
                      absl::StrFormat("%.9g", r.max_commute_km), "\t", Bool(engine::HoldsDrivingLicence(r)), "\t", Bool(r.vehicle),
                      "\t", Bool(r.relocation_accepted), "\t", static_cast<int>(r.housing), "\t");
      absl::StrAppend(&rows, static_cast<int>(r.french_level), "\t", Bool(r.french_attested), "\t",
                      absl::StrFormat("%.9g", r.french_hours_planned), "\t", SkillCodes(data, c.skill_indices), "\t{",
                      absl::StrJoin(r.wished_occupations, ","), "}\t{", absl::StrJoin(past_codes, ","), "}\t{",
                      absl::StrJoin(past_years, ","), "}\t", r.accepted_contracts, "\t",
                      Date(r.available_from), "\t", r.weekly_availability, "\t", Bool(r.right_to_work),
                      "\t", engine::HeldLicences(r), "\t", absl::StrFormat("%.9g", r.min_monthly_salary_eur));
      for (int w = 0; w < engine::kLanguageWords; ++w) {
        absl::StrAppend(&rows, "\t", static_cast<int32_t>(engine::SpokenLanguageWord(r, w)));
      }
      absl::StrAppend(&rows, "\t", r.qualification_level, "\t", Bool(r.qualification_recognised), "\t",
                      r.licence_categories_pending, "\n");
    }
    if (absl::Status s = Copy(
            "COPY candidate (id, commune_insee, geog, ux, uy, uz, transport_mode, max_commute_km, driving_licence, "
            "vehicle, relocation_accepted, housing, french_level, french_attested, french_hours_planned, skills, "
            "wished_occupations, past_occupations, past_years, accepted_contracts, available_from, "
            "weekly_availability, right_to_work, held_licences, min_monthly_salary_eur, languages_0, languages_1, "
            "languages_2, qualification_level, qualification_recognised, pending_licences) FROM STDIN",
            rows);
        !s.ok()) {
      return s;
    }
  }
  for (size_t begin = 0; begin < openings.size(); begin += kBatch) {
    rows.clear();
    for (size_t i = begin; i < std::min(openings.size(), begin + kBatch); ++i) {
      const engine::ResolvedOpening& o = *openings[i];
      const engine::Opening& r = o.record;
      absl::StrAppend(&rows, CopyText(r.id), "\t", CopyText(r.employer_id), "\t", data.occupations()[o.rome_index].code,
                      "\t", r.commune_insee, "\t", Point(data, o.commune_index), "\t", Vector(o.position), "\t",
                      SkillCodes(data, o.required_skill_indices), "\t", SkillCodes(data, o.desired_skill_indices), "\t",
                      static_cast<int>(r.french_min_level), "\t", static_cast<int>(r.french_requirement), "\t");
      absl::StrAppend(&rows, absl::StrFormat("%.9g", r.french_training_hours), "\t",
                      static_cast<int>(r.driving_licence), "\t", static_cast<int>(r.contract), "\t",
                      Date(r.start_date), "\t", r.weekly_schedule, "\t", Bool(r.housing_provided), "\t",
                      Bool(r.hard_to_fill), "\t", absl::StrFormat("%.9g", o.tension), "\t", r.licences_required, "\t",
                      Bool(r.night_work), "\t", Bool(r.weekend_work), "\t",
                      absl::StrFormat("%.9g", r.salary_monthly_max_eur), "\t", r.expires_on);
      for (int w = 0; w < engine::kLanguageWords; ++w) {
        absl::StrAppend(&rows, "\t", static_cast<int32_t>(engine::RequiredLanguageWord(r, w)));
      }
      absl::StrAppend(&rows, "\t", Bool(r.training_provided), "\t", SkillCodes(data, o.core_skill_indices), "\t",
                      static_cast<int>(r.experience_requirement), "\t",
                      absl::StrFormat("%.9g", r.experience_months), "\t",
                      static_cast<int>(r.qualification_requirement), "\t", r.qualification_level);
      for (int w = 0; w < engine::kLanguageWords; ++w) {
        absl::StrAppend(&rows, "\t", static_cast<int32_t>(engine::DesiredLanguageWord(r, w)));
      }
      absl::StrAppend(&rows, "\t", r.licences_desired, "\n");
    }
    if (absl::Status s = Copy(
            "COPY opening (id, employer_id, rome_code, commune_insee, geog, ux, uy, uz, required_skills, "
            "desired_skills, french_min_level, french_requirement, french_training_hours, driving_licence, contract, "
            "start_date, weekly_schedule, housing_provided, hard_to_fill, tension, licences_required, night_work, "
            "weekend_work, salary_monthly_max_eur, expires_on, languages_required_0, languages_required_1, "
            "languages_required_2, training_provided, core_skills, experience_requirement, experience_months, "
            "qualification_requirement, qualification_level, languages_desired_0, languages_desired_1, "
            "languages_desired_2, licences_desired) FROM STDIN",
            rows);
        !s.ok()) {
      return s;
    }
  }
  rows.clear();
  rows.shrink_to_fit();
  load_times_.copy_s = lap();
  if (absl::Status s = Exec(kIndexSql); !s.ok()) return s;
  load_times_.index_s = lap();
  if (absl::Status s = Exec("VACUUM ANALYZE"); !s.ok()) return s;
  load_times_.analyze_s = lap();

  // Prepared once, as an application would; the server plans them per its plan cache.
  for (auto [name, sql] : {std::pair{"match_candidates", MatchCandidatesSql(profile, options_.today)},
                           std::pair{"match_openings", MatchOpeningsSql(profile, options_.today)}}) {
    PGresult* r = PQprepare(conn_, name, sql.c_str(), 2, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) return absl::InternalError(absl::StrCat("postgres: preparing ", name, ": ", message));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PeerMatch>> PostgresPeer::RunMatch(const char* statement, const std::string& id, int k) {
  const std::string k_text = std::to_string(k);
  const char* params[2] = {id.c_str(), k_text.c_str()};
  PGresult* r = PQexecPrepared(conn_, statement, 2, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    return absl::InternalError(absl::StrCat("postgres: ", statement, "(", id, "): ", message));
  }
  std::vector<PeerMatch> out;
  out.reserve(PQntuples(r));
  for (int row = 0; row < PQntuples(r); ++row) {
    double score = 0;
    if (!absl::SimpleAtod(PQgetvalue(r, row, 1), &score)) {
      PQclear(r);
      return absl::InternalError(absl::StrCat("postgres: bad score \"", PQgetvalue(r, row, 1), "\""));
    }
    out.push_back({PQgetvalue(r, row, 0), static_cast<float>(score)});
  }
  PQclear(r);
  return out;
}

absl::StatusOr<std::vector<PeerMatch>> PostgresPeer::MatchCandidates(const std::string& opening_id, int k) {
  return RunMatch("match_candidates", opening_id, k);
}

absl::StatusOr<std::vector<PeerMatch>> PostgresPeer::MatchOpenings(const std::string& candidate_id, int k) {
  return RunMatch("match_openings", candidate_id, k);
}

}  // namespace passerelle::benchmarks
