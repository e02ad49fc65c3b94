// Table mode for match results and explanations: a ranked table with each criterion's score, then the
// reasons in words for the first results, and near-misses with what would unlock them.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_CLIENTS_MATCH_VIEW_H_
#define PASSERELLE_CLIENTS_MATCH_VIEW_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "clients/session.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::clients {

// What a ranked list is about, for its heading and columns.
struct MatchListView {
  // "openings" for MatchOpenings (ids are openings), "candidates" for MatchCandidates.
  std::string kind;
  // "Best openings for candidate cand-000042".
  std::string heading;
  // Opening titles by id (MatchOpenings only; empty map = no title column).
  absl::flat_hash_map<std::string, std::string> titles;
  // How many results get their reasons printed under the table. Default: 3.
  int reasons = 3;
  Language language = Language::kEnglish;
  // Whether the request asked for near-misses (then the list does not suggest asking). Default: false.
  bool near_misses_requested = false;
  // MatchOpenings with no eligible opening: what blocks the openings in scope, most common first.
  // Default: none.
  std::vector<v1::BlockerCount> blockers_in_scope;
};

// The label in the chosen language (the CLI's own words; sentences from the server carry both).
const char* Label(Language language, const char* en, const char* fr);

// Everything a match response says, for a terminal. `matches` and `near_misses` come from the response;
// `scored` and `eligible` are its pair counts (left out when `scored` is 0: the server withholds them).
std::string RenderMatchList(const MatchListView& view, const google::protobuf::RepeatedPtrField<v1::Match>& matches,
                            const google::protobuf::RepeatedPtrField<v1::Match>& near_misses, int64_t scored,
                            int64_t eligible, const std::string& profile);

// The ranked table of match results, shared by `match` and `rerank`: rank, id (under `id_header`), the
// title when `titles` has any (cut to 28 characters), the score, each criterion's score, the distance.
std::string RenderMatchTable(const google::protobuf::RepeatedPtrField<v1::Match>& matches, const std::string& id_header,
                             const absl::flat_hash_map<std::string, std::string>& titles,
                             Language language = Language::kEnglish);

// One explained pair: verdict, criterion table, reasons, blockers and what unlocks them, missing skills.
// `title` is the opening's title ("" when unknown).
std::string RenderExplanation(const v1::Explanation& explanation, const std::string& title, const std::string& profile,
                              Language language);

// The sentence in the chosen language, or the other one when it is empty.
const std::string& InLanguage(const v1::Sentence& sentence, Language language);

// "occupation" for CRITERION_OCCUPATION; in French "métier".
std::string CriterionLabel(v1::Criterion criterion);
std::string CriterionLabel(v1::Criterion criterion, Language language);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_MATCH_VIEW_H_
