// France Travail offers from JSON text: a search response ({"resultats": [...]}), a JSON array of
// offers, one offer, or JSON Lines of offers. A field this version of francetravail.proto does not know
// is not an error and not lost: it goes into the offer's unknown_fields, verbatim.
//
// Used by the CLI (clients/), and callable as a plain function by fuzz targets (protobuf only, no gRPC,
// no reference data).
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_JSON_H_
#define PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "passerelle/v1/francetravail.pb.h"

namespace passerelle::server::francetravail {

// One offer in the published JSON form. InvalidArgument when the text is not a JSON object, or when a
// known field has a value of the wrong type ("offer: ... lieuTravail.latitude ...").
absl::StatusOr<v1::FranceTravailOffer> ParseOffer(absl::string_view json);

// One item of a file of offers: the offer, or why it could not be read.
struct ParsedItem {
  int64_t position = 0;  // 1-based: the line of a JSON Lines file, else the offer's rank in its array
  absl::StatusOr<v1::FranceTravailOffer> offer;
};

// Every offer of `text`, in order. Fails as a whole (InvalidArgument) only when the text is neither one
// JSON document (response, array, offer) nor JSON Lines; an offer that cannot be read is an item with a
// non-OK status and does not stop the others.
absl::StatusOr<std::vector<ParsedItem>> ParseOffers(absl::string_view text);

}  // namespace passerelle::server::francetravail

#endif  // PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_JSON_H_
