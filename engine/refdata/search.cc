#include "engine/refdata/search.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace passerelle::engine {
namespace {

// The base letters of U+00C0..U+00FF (Latin-1 Supplement); '\0' = not a letter (×, ÷) or handled apart.
constexpr char kLatin1Base[] =
    "aaaaaaaceeeeiiii"   // À..Ï (Æ handled apart)
    "dnooooo\0ouuuuyts"  // Ð..ß (× not a letter)
    "aaaaaaaceeeeiiii"   // à..ï
    "dnooooo\0ouuuuyty";  // ð..ÿ

void AppendFolded(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    const char c = static_cast<char>(code_point);
    if (c >= 'A' && c <= 'Z') {
      out->push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out->push_back(c);
    } else {
      out->push_back(' ');
    }
    return;
  }
  if (code_point == 0xC6 || code_point == 0xE6) {
    out->append("ae");
    return;
  }
  if (code_point == 0x152 || code_point == 0x153) {
    out->append("oe");
    return;
  }
  if (code_point >= 0xC0 && code_point <= 0xFF && kLatin1Base[code_point - 0xC0] != '\0') {
    out->push_back(kLatin1Base[code_point - 0xC0]);
    return;
  }
  out->push_back(' ');  // any other character (’, «, –) breaks words
}

std::vector<std::string> Words(absl::string_view folded) {
  return absl::StrSplit(folded, ' ', absl::SkipEmpty());
}

bool IsStopWord(absl::string_view word) {
  static const auto* const kStop = new absl::flat_hash_set<std::string>(
      {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "sur"});
  return kStop->contains(word);
}

}  // namespace

std::string FoldForSearch(absl::string_view text) {
  std::string spaced;
  spaced.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    uint32_t code_point = byte;
    size_t length = 1;
    if (byte >= 0xC0 && byte < 0xE0 && i + 1 < text.size()) {
      code_point = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      length = 2;
    } else if (byte >= 0xE0) {
      code_point = 0x2000;  // three- and four-byte characters: punctuation for our purposes
      length = byte >= 0xF0 ? 4 : 3;
    }
    AppendFolded(code_point, &spaced);
    i += length;
  }
  std::string folded;
  for (const std::string& word : Words(spaced)) {
    if (!folded.empty()) folded.push_back(' ');
    folded.append(word);
  }
  return folded;
}

ReferenceSearch::ReferenceSearch(const ReferenceData* data) : data_(data) {
  for (int64_t code : data_->AppellationCodes()) {
    Title title;
    title.code_ogr = code;
    title.folded = FoldForSearch(*data_->AppellationLabel(code));
    title.words = Words(title.folded);
    titles_.push_back(std::move(title));
  }
  commune_names_.reserve(data_->communes().size());
  for (const Commune& commune : data_->communes()) commune_names_.push_back(FoldForSearch(commune.name));
}

std::vector<AppellationHit> ReferenceSearch::FindAppellations(absl::string_view query, size_t limit) const {
  std::vector<std::string> words;
  for (std::string& word : Words(FoldForSearch(query))) {
    if (!IsStopWord(word)) words.push_back(std::move(word));
  }
  if (words.empty() || limit == 0) return {};
  // (-whole word matches, title length, folded title, index): smaller is better.
  std::vector<std::tuple<int, size_t, absl::string_view, size_t>> ranked;
  for (size_t t = 0; t < titles_.size(); ++t) {
    const Title& title = titles_[t];
    int whole = 0;
    bool all = true;
    for (const std::string& word : words) {
      bool prefix = false, exact = false;
      for (const std::string& candidate : title.words) {
        if (absl::StartsWith(candidate, word)) {
          prefix = true;
          exact = exact || candidate.size() == word.size();
        }
      }
      if (!prefix) {
        all = false;
        break;
      }
      whole += exact ? 1 : 0;
    }
    if (all) ranked.emplace_back(-whole, title.folded.size(), title.folded, t);
  }
  const size_t kept = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + kept, ranked.end());
  std::vector<AppellationHit> hits;
  for (size_t i = 0; i < kept; ++i) {
    const Title& title = titles_[std::get<3>(ranked[i])];
    hits.push_back({title.code_ogr, *data_->FindAppellationRome(title.code_ogr)});
  }
  return hits;
}

std::vector<int32_t> ReferenceSearch::FindCommunes(absl::string_view query, absl::string_view departement,
                                                   size_t limit) const {
  const auto communes = data_->communes();
  const bool any_departement = departement.empty();
  std::vector<int32_t> hits;
  if (limit == 0) return hits;
  if (auto code = data_->FindCommune(query); code.has_value()) {
    if (any_departement || communes[*code].departement_code == departement) hits.push_back(*code);
    return hits;
  }
  const std::string folded = FoldForSearch(query);
  if (folded.empty()) return hits;
  const std::string inner = " " + folded;
  // (tier, -population, index): tier 0 exact name, 1 name starts with the query, 2 a later word does.
  std::vector<std::tuple<int, int64_t, int32_t>> ranked;
  for (size_t i = 0; i < communes.size(); ++i) {
    if (!any_departement && communes[i].departement_code != departement) continue;
    const std::string& name = commune_names_[i];
    int tier = -1;
    if (name == folded) {
      tier = 0;
    } else if (absl::StartsWith(name, folded)) {
      tier = 1;
    } else if (absl::StrContains(name, inner)) {
      tier = 2;
    }
    if (tier >= 0) ranked.emplace_back(tier, -communes[i].population, static_cast<int32_t>(i));
  }
  const size_t kept = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + kept, ranked.end());
  for (size_t i = 0; i < kept; ++i) hits.push_back(std::get<2>(ranked[i]));
  return hits;
}

}  // namespace passerelle::engine
