// Look-ups over the reference data for forms: ROME job titles (appellations) by words of a title,
// communes by name or INSEE code, skill items of an occupation. Text is compared folded: lower case,
// French accents and ligatures taken off (é -> e, œ -> oe), anything else than letters and digits a
// word break.
//
// Postal codes are not in data/ (data/SOURCES.md: the carried geo file has none), so a commune is found
// by name or INSEE code only.
//
// Thread-safety: immutable after construction.
//
// Example:
//   ReferenceSearch search(&data);
//   for (const AppellationHit& hit : search.FindAppellations("aide soignant", 10)) ...
#ifndef PASSERELLE_ENGINE_REFDATA_SEARCH_H_
#define PASSERELLE_ENGINE_REFDATA_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// `text` folded: lower-case ASCII letters and digits, words separated by one space, no leading or
// trailing space ("Aide-soignant / Aide-soignante" -> "aide soignant aide soignante").
std::string FoldForSearch(absl::string_view text);

struct AppellationHit {
  int64_t code_ogr = 0;
  int32_t rome_index = -1;
};

class ReferenceSearch {
 public:
  // `data` must outlive the search.
  explicit ReferenceSearch(const ReferenceData* data);

  const ReferenceData& data() const { return *data_; }

  // Appellations whose title has, for every word of `query` (French stop words such as "de", "la"
  // ignored), a word starting with it; best first: more query words matching whole words, then shorter
  // titles, then by folded title. Empty when the query has no word.
  std::vector<AppellationHit> FindAppellations(absl::string_view query, size_t limit) const;

  // Communes (indices into data().communes()) for a 5-character INSEE code, or whose folded name equals,
  // starts with, or contains at a word start the folded `query`, in that order, larger population first
  // within each. `departement` "" = any.
  std::vector<int32_t> FindCommunes(absl::string_view query, absl::string_view departement, size_t limit) const;

 private:
  struct Title {
    int64_t code_ogr = 0;
    std::string folded;
    std::vector<std::string> words;
  };
  const ReferenceData* data_;
  std::vector<Title> titles_;
  std::vector<std::string> commune_names_;  // folded, by commune index
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_REFDATA_SEARCH_H_
