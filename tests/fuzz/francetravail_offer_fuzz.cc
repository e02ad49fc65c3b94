// The France Travail offer import: a file of offers (search response, array or JSON Lines) parsed as the
// CLI parses it (server/francetravail/offer_json.h), then each offer mapped as the server maps it
// (offer_mapping.h) and the mapped opening decoded back from its stored form and resolved against the
// reference data, as a put would. Input: the file's text.
#include <cstdio>
#include <cstdlib>

#include "engine/index/match_index.h"
#include "engine/store/record_codec.h"
#include "server/francetravail/offer_json.h"
#include "server/francetravail/offer_mapping.h"
#include "tests/fuzz/fuzz_support.h"

namespace passerelle::fuzz {
namespace {

const engine::MatchIndex& Index() {
  static const auto* index = new engine::MatchIndex(SharedReferenceData());
  return *index;
}

const server::francetravail::OfferMapper& Mapper() {
  static const auto* mapper = new server::francetravail::OfferMapper(*SharedReferenceData());
  return *mapper;
}

void Offer(const v1::FranceTravailOffer& offer) {
  server::francetravail::MappingOptions options;
  options.employer_id = [](absl::string_view siret) { return std::string("siret-") + std::string(siret.size(), 'x'); };
  absl::StatusOr<server::francetravail::MappedOffer> mapped = Mapper().Map(offer, options);
  if (!mapped.ok()) return;
  // What the mapping produced must survive the store's encoding unchanged.
  absl::StatusOr<engine::Opening> decoded = engine::OpeningFromProto(engine::OpeningToProto(mapped->opening));
  if (!decoded.ok()) return;  // validation refuses it at put time, with the field: not a crash
  if (engine::OpeningToProto(*decoded).SerializeAsString() !=
      engine::OpeningToProto(mapped->opening).SerializeAsString()) {
    std::fprintf(stderr, "francetravail_offer_fuzz: a mapped opening does not round-trip through the codec\n");
    std::abort();
  }
  (void)Index().ResolveOpening(*decoded);
}

}  // namespace
}  // namespace passerelle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto items = passerelle::server::francetravail::ParseOffers(passerelle::fuzz::AsView(data, size));
  if (!items.ok()) return 0;
  for (const auto& item : *items) {
    if (item.offer.ok()) passerelle::fuzz::Offer(*item.offer);
  }
  return 0;
}
