// Writing a Sentence in the languages asked only (SentenceLanguages), for the files that word
// explanations (explanation.cc, experience_reason.cc). Not part of the engine's API.
#ifndef PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_
#define PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_

#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/scoring/explanation.h"

namespace passerelle::engine {

// Which sides of a Sentence to write.
struct Wanted {
  bool fr = true;
  bool en = true;
  static Wanted Of(SentenceLanguages languages) {
    const auto bits = static_cast<uint8_t>(languages);
    return {(bits & static_cast<uint8_t>(SentenceLanguages::kFrench)) != 0,
            (bits & static_cast<uint8_t>(SentenceLanguages::kEnglish)) != 0};
  }
};

// CEFR levels as sentences name them, indexed by the level code (0 = pre-A1 .. 6 = C2).
inline constexpr const char* kCefrNames[] = {"pré-A1", "A1", "A2", "B1", "B2", "C1", "C2"};
inline constexpr const char* kCefrNamesEn[] = {"pre-A1", "A1", "A2", "B1", "B2", "C1", "C2"};

// `value` rounded half away from zero (std::round) and written as printf's "%.0f" writes the result
// (kilometres, hours, euros). Through StrCat's integer formatting: StrFormat's float path was about a
// tenth of an explanation's time, and a served match explains each answer. StrFormat itself for zero
// (which may be -0, written "-0") and for what an int64 cannot hold.
inline std::string WholeNumber(double value) {
  const double rounded = std::round(value);
  if (rounded != 0 && std::fabs(rounded) < 1e15) return absl::StrCat(static_cast<int64_t>(rounded));
  return absl::StrFormat("%.0f", rounded);
}

}  // namespace passerelle::engine

// A Sentence with only the sides `wanted` (a Wanted) asks for. A macro, not a function, so that the
// expression of a side not asked for is never evaluated: no string is built only to be thrown away.
//   Sentence s = PASSERELLE_SAY(w, absl::StrCat(km, " km du domicile"), absl::StrCat(km, " km from home"));
#define PASSERELLE_SAY(wanted, french, english)                                       \
  ::passerelle::engine::Sentence {                                                    \
    (wanted).fr ? std::string(french) : std::string(), (wanted).en ? std::string(english) : std::string() \
  }

#endif  // PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_
