// What the parts of OfferMapper::Map (offer_mapping.cc, offer_requirements.cc) share while they map one
// offer. Included by those two files only.
#ifndef PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_
#define PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/model/offer_fields.h"
#include "server/francetravail/offer_mapping.h"

namespace passerelle::server::francetravail {

inline std::string Indexed(absl::string_view field, int i) { return absl::StrCat(field, "[", i, "]"); }

// `text` as the record's free-text rules accept it (engine ValidateFreeText: no control or bidirectional
// characters): line breaks, tabs and other C0/C1 controls become spaces, bidirectional formatting
// characters are dropped; then cut to at most `max` bytes without splitting a UTF-8 sequence. Published
// descriptions carry line breaks, which must not cost the offer.
inline std::string ForDisplay(absl::string_view text, size_t max) {
  std::string clean;
  clean.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7f) {
      clean.push_back(' ');
    } else if (b == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      clean.push_back(' ');  // C1 control U+0080..U+009F
      ++i;
    } else if (b == 0xD8 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x9C) {
      ++i;  // U+061C arabic letter mark
    } else if (b == 0xE2 && i + 2 < text.size()) {
      const unsigned char b1 = static_cast<unsigned char>(text[i + 1]);
      const unsigned char b2 = static_cast<unsigned char>(text[i + 2]);
      const bool bidi = (b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) ||
                        (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
      if (bidi) {
        i += 2;
      } else {
        clean.push_back(static_cast<char>(b));
      }
    } else {
      clean.push_back(static_cast<char>(b));
    }
  }
  if (clean.size() <= max) return clean;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(clean[end]) & 0xC0) == 0x80) --end;
  clean.resize(end);
  return clean;
}

struct OfferMapper::Context {
  const v1::FranceTravailOffer& offer;
  MappedOffer out;

  void Note(absl::string_view field, absl::string_view what) { out.notes.push_back(absl::StrCat(field, ": ", what)); }
  // Keeps a published value for display (empty ones are not kept).
  void Keep(absl::string_view name, absl::string_view value) {
    value = absl::StripAsciiWhitespace(value);
    if (value.empty()) return;
    if (out.opening.display_fields.size() >= engine::kMaxDisplayFields) {
      Note(name, absl::StrCat("not kept for display: an opening keeps at most ", engine::kMaxDisplayFields, " fields"));
      return;
    }
    if (value.size() > kMaxDisplayValueBytes) Note(name, absl::StrCat("cut to ", kMaxDisplayValueBytes, " bytes"));
    out.opening.display_fields.push_back({std::string(name), ForDisplay(value, kMaxDisplayValueBytes)});
  }
};

}  // namespace passerelle::server::francetravail

#endif  // PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_
