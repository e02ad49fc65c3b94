#include "tests/quality/case_runner.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "engine/common/status_macros.h"
#include "engine/index/match_index.h"
#include "engine/model/dates.h"

namespace passerelle::engine::quality {
namespace {

// Room for every record of a case: the lists are compared whole.
constexpr int kCaseK = 50;

ScoringProfile CaseProfile(const Case& c) {
  ScoringProfile profile = DefaultScoringProfile();
  profile.strict_required_skills = c.strict_skills;
  return profile;
}

absl::Status Load(const Case& c, MatchIndex* index) {
  for (const Person& p : c.people) {
    auto resolved = index->ResolveCandidate(p.record());
    if (!resolved.ok()) return absl::InvalidArgumentError(absl::StrCat(p.record().id, ": ", resolved.status().message()));
    index->UpsertCandidates({*resolved});
  }
  for (const Job& j : c.openings) {
    auto resolved = index->ResolveOpening(j.record());
    if (!resolved.ok()) return absl::InvalidArgumentError(absl::StrCat(j.record().id, ": ", resolved.status().message()));
    index->UpsertOpenings({*resolved});
  }
  return absl::OkStatus();
}

std::string Quoted(const std::vector<std::string>& ids) {
  return ids.empty() ? "(none)" : absl::StrJoin(ids, ", ");
}

std::string BlockerCodes(const Explanation& e) {
  std::vector<std::string> codes;
  for (const Blocker& b : e.blockers) codes.push_back(b.code);
  return absl::StrJoin(codes, ",");
}

const Blocker* FindBlocker(const Explanation& e, const std::string& code) {
  for (const Blocker& b : e.blockers) {
    if (b.code == code) return &b;
  }
  return nullptr;
}

// One check against one pair: empty when it holds, else what was read instead.
std::string CheckPair(const Check& check, const Explanation& e) {
  for (int k = 0; k < kCriterionCount; ++k) {
    if (check.what != CriterionName(static_cast<Criterion>(k))) continue;
    const std::string& fr = e.criteria[k].reason.fr;
    return absl::StrContains(fr, check.words) ? "" : absl::StrCat("the ", check.what, " reason reads « ", fr, " »");
  }
  if (check.what == "blockers") {
    const std::string codes = BlockerCodes(e);
    return codes == check.words ? "" : absl::StrCat("the blockers are [", codes, "]");
  }
  if (check.what == "ready") {
    const std::string day = FormatDay(e.ready_day);
    return day == check.words ? "" : absl::StrCat("ready on ", day);
  }
  if (check.what == "no score") {
    for (const Blocker& b : e.blockers) {
      if (!b.relaxable && b.unlock.fr.empty() && b.unlock.en.empty()) return "";
    }
    return absl::StrCat("no blocker that cannot be lifted; blockers [", BlockerCodes(e), "]");
  }
  const bool unlock = absl::StartsWith(check.what, "unlock ");
  const std::string code = unlock ? check.what.substr(7) : check.what;
  const Blocker* b = FindBlocker(e, code);
  if (b == nullptr) return absl::StrCat("no blocker ", code, " (blockers [", BlockerCodes(e), "])");
  const std::string& fr = unlock ? b->unlock.fr : b->reason.fr;
  return absl::StrContains(fr, check.words)
             ? ""
             : absl::StrCat("the ", unlock ? "unlock" : "reason", " of ", code, " reads « ", fr, " »");
}

}  // namespace

std::string InScopeWords(const std::vector<std::pair<uint32_t, int64_t>>& in_scope) {
  std::vector<std::string> parts;
  for (const auto& [bit, count] : in_scope) parts.push_back(absl::StrCat(BlockerCode(bit), " x", count));
  return absl::StrJoin(parts, ", ");
}

absl::StatusOr<CaseOutcome> RunCase(const Case& c, std::shared_ptr<const ReferenceData> data) {
  const bool for_person = c.ask == Ask::kOpeningsForPerson;
  if ((for_person ? c.people.size() : c.openings.size()) != 1) {
    return absl::InvalidArgumentError("a case asks about exactly one person (or one opening)");
  }
  PASSERELLE_ASSIGN_OR_RETURN(const Day today, ParseDay(c.today, "today"));
  MatchIndex index(std::move(data));
  PASSERELLE_RETURN_IF_ERROR(Load(c, &index));
  const ScoringProfile profile = CaseProfile(c);
  MatchQuery query;
  query.k = kCaseK;
  query.near_misses = kCaseK;
  query.today = today;
  const std::string& person = c.people.front().record().id;
  const std::string& opening = c.openings.front().record().id;
  PASSERELLE_ASSIGN_OR_RETURN(const MatchResult result, for_person ? index.MatchOpenings(person, query, profile)
                                                                    : index.MatchCandidates(opening, query, profile));
  CaseOutcome out;
  for (const ScoredMatch& m : result.matches) out.order.push_back(m.id), out.totals.push_back(m.total);
  for (const ScoredMatch& m : result.near_misses) out.near_misses.push_back(m.id);
  out.in_scope = BlockerSummary(result);
  if (for_person) {
    for (const Job& j : c.openings) {
      PASSERELLE_ASSIGN_OR_RETURN(out.pairs[j.record().id], index.Explain(person, j.record().id, profile, today));
    }
  } else {
    for (const Person& p : c.people) {
      PASSERELLE_ASSIGN_OR_RETURN(out.pairs[p.record().id], index.Explain(p.record().id, opening, profile, today));
    }
  }
  return out;
}

std::vector<std::string> CompareCase(const Case& c, const CaseOutcome& outcome) {
  std::vector<std::string> failures;
  if (outcome.order != c.order) {
    failures.push_back(absl::StrCat("expected the order ", Quoted(c.order), ", the engine gives ", Quoted(outcome.order)));
  }
  if (outcome.near_misses != c.near_misses) {
    failures.push_back(absl::StrCat("expected the near-misses ", Quoted(c.near_misses), ", the engine gives ",
                                    Quoted(outcome.near_misses)));
  }
  for (const Check& check : c.checks) {
    std::string got;
    if (check.what == "in scope") {
      const std::string words = InScopeWords(outcome.in_scope);
      if (words != check.words) got = absl::StrCat("the blockers in scope are [", words, "]");
    } else if (auto it = outcome.pairs.find(check.other); it == outcome.pairs.end()) {
      got = "no such record in the case";
    } else {
      got = CheckPair(check, it->second);
    }
    if (!got.empty()) {
      failures.push_back(absl::StrCat(check.other, ": expected ", check.what, " « ", check.words, " », but ", got));
    }
  }
  return failures;
}

std::string DescribeOutcome(const Case& c, const CaseOutcome& outcome) {
  std::string out = absl::StrCat("Case ", c.name, " (", c.topic, ") on ", c.today, "\n  order: ");
  for (size_t i = 0; i < outcome.order.size(); ++i) {
    absl::StrAppendFormat(&out, "%s%s (%.3f)", i ? ", " : "", outcome.order[i], outcome.totals[i]);
  }
  absl::StrAppend(&out, "\n  near-misses: ", Quoted(outcome.near_misses));
  if (!outcome.in_scope.empty()) absl::StrAppend(&out, "\n  blockers in scope: ", InScopeWords(outcome.in_scope));
  for (const auto& [id, e] : outcome.pairs) {
    absl::StrAppendFormat(&out, "\n  %s: %s, total %.3f, ready %s", id,
                          e.eligible ? "eligible" : e.near_miss ? "near-miss" : "blocked", e.total,
                          FormatDay(e.ready_day));
    for (const CriterionExplanation& k : e.criteria) {
      absl::StrAppendFormat(&out, "\n    %s %.2f: %s", CriterionName(k.criterion), k.score, k.reason.fr);
    }
    for (const Blocker& b : e.blockers) {
      absl::StrAppend(&out, "\n    ", b.code, ": ", b.reason.fr, b.unlock.fr.empty() ? "" : " -> ", b.unlock.fr);
    }
  }
  return out;
}

}  // namespace passerelle::engine::quality
