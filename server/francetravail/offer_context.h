// What the parts of OfferMapper::Map (offer_mapping.cc, offer_requirements.cc) share while they map one
// offer. Included by those two files only.
#ifndef PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_
#define PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/francetravail/offer_mapping.h"

namespace passerelle::server::francetravail {

inline std::string Indexed(absl::string_view field, int i) { return absl::StrCat(field, "[", i, "]"); }

// `text` cut to at most `max` bytes without splitting a UTF-8 sequence.
inline std::string CutUtf8(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

struct OfferMapper::Context {
  const v1::FranceTravailOffer& offer;
  MappedOffer out;

  void Note(absl::string_view field, absl::string_view what) { out.notes.push_back(absl::StrCat(field, ": ", what)); }
  // Keeps a published value for display (empty ones are not kept).
  void Keep(absl::string_view name, absl::string_view value) {
    value = absl::StripAsciiWhitespace(value);
    if (value.empty()) return;
    if (value.size() > kMaxDisplayValueBytes) Note(name, absl::StrCat("cut to ", kMaxDisplayValueBytes, " bytes"));
    out.opening.display_fields.push_back({std::string(name), CutUtf8(value, kMaxDisplayValueBytes)});
  }
};

}  // namespace passerelle::server::francetravail

#endif  // PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_CONTEXT_H_
