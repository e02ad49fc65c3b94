// Writing a Sentence in the languages asked only (SentenceLanguages), for the files that word
// explanations (explanation.cc, experience_reason.cc). Not part of the engine's API.
#ifndef PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_
#define PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_

#include <cstdint>
#include <string>

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

}  // namespace passerelle::engine

// A Sentence with only the sides `wanted` (a Wanted) asks for. A macro, not a function, so that the
// expression of a side not asked for is never evaluated: no string is built only to be thrown away.
//   Sentence s = PASSERELLE_SAY(w, absl::StrCat(km, " km du domicile"), absl::StrCat(km, " km from home"));
#define PASSERELLE_SAY(wanted, french, english)                                       \
  ::passerelle::engine::Sentence {                                                    \
    (wanted).fr ? std::string(french) : std::string(), (wanted).en ? std::string(english) : std::string() \
  }

#endif  // PASSERELLE_ENGINE_SCORING_SENTENCE_WORDS_H_
