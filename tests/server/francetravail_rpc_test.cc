// ImportFranceTravailOffers through an in-process server: every offer sent is accounted for, rejected
// ones name the published field, a reimport counts changes, a sync expires the source's absent
// openings (and only those), the default lifetime sets expires_on, and only employer keys may call it.
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "engine/model/dates.h"
#include "server/francetravail/offer_json.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonOpening;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<v1::FranceTravailOffer> Fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_FT_FIXTURES) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto items = francetravail::ParseOffers(text.str());
  EXPECT_TRUE(items.ok()) << items.status();
  std::vector<v1::FranceTravailOffer> offers;
  for (auto& item : *items) offers.push_back(item.offer.value());
  return offers;
}

class FranceTravailRpcTest : public ::testing::Test {
 protected:
  FranceTravailRpcTest() : employer_(server_.StubWithKey(server_.employer_key())) {}

  // Streams `offers` two per message, options in the first.
  grpc::Status Import(const std::vector<v1::FranceTravailOffer>& offers, const v1::FranceTravailImportOptions& options,
                      v1::ImportFranceTravailOffersResponse* response, v1::Matching::Stub* stub = nullptr) {
    grpc::ClientContext context;
    auto writer = (stub ? stub : employer_.get())->ImportFranceTravailOffers(&context, response);
    v1::ImportFranceTravailOffersRequest request;
    *request.mutable_options() = options;
    for (size_t i = 0; i < offers.size(); ++i) {
      *request.add_offers() = offers[i];
      if (request.offers_size() == 2 || i + 1 == offers.size()) {
        if (!writer->Write(request)) break;
        request.Clear();
      }
    }
    if (offers.empty()) writer->Write(request);
    writer->WritesDone();
    return writer->Finish();
  }

  static v1::FranceTravailImportOptions Options(bool sync, int lifetime_days = 3650) {
    v1::FranceTravailImportOptions options;
    options.set_sync(sync);
    options.set_lifetime_days(lifetime_days);
    return options;
  }

  grpc::Status GetOpening(const std::string& id, v1::GetOpeningResponse* got) {
    grpc::ClientContext context;
    return employer_->GetOpening(&context, [&] {
      v1::GetOpeningRequest request;
      request.set_opening_id(id);
      return request;
    }(), got);
  }

  InProcessServer server_;
  std::unique_ptr<v1::Matching::Stub> employer_;
};

TEST_F(FranceTravailRpcTest, EveryOfferIsStoredOrRejectedWithItsField) {
  std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  for (auto& offer : Fixture("rejected.jsonl")) offers.push_back(offer);
  v1::ImportFranceTravailOffersResponse response;
  ASSERT_TRUE(Import(offers, Options(false), &response).ok());
  EXPECT_EQ(response.received_count(), 13);
  EXPECT_EQ(response.added_count(), 5);
  EXPECT_EQ(response.changed_count(), 0);
  EXPECT_EQ(response.rejected_count(), 8);
  ASSERT_EQ(response.offers_size(), 13);
  for (int i = 0; i < 13; ++i) EXPECT_EQ(response.offers(i).index(), i);
  EXPECT_EQ(response.offers(0).status(), v1::OFFER_IMPORT_STATUS_STORED);
  EXPECT_TRUE(response.offers(0).created());
  EXPECT_THAT(response.offers(0).notes(), ::testing::Contains(HasSubstr("competences[2]")));
  EXPECT_EQ(response.offers(5).status(), v1::OFFER_IMPORT_STATUS_REJECTED);
  EXPECT_EQ(response.offers(5).field(), "id");
  EXPECT_EQ(response.offers(7).field(), "lieuTravail.commune");
  EXPECT_EQ(response.offers(7).offer_id(), "REJ-INSEE");
  EXPECT_EQ(response.offers(7).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.offers(12).field(), "typeContrat");

  v1::GetOpeningResponse got;
  ASSERT_TRUE(GetOpening("201MWKT", &got).ok());
  EXPECT_EQ(got.opening().rome_code(), "F1703");
  EXPECT_EQ(got.opening().commune_insee(), "93008");
  EXPECT_EQ(got.opening().positions(), 2);
  EXPECT_TRUE(got.opening().hard_to_fill());
  EXPECT_THAT(got.opening().required_skills(), ElementsAre(100596));
  // The SIRET is stored only as a keyed hash.
  EXPECT_TRUE(absl::StartsWith(got.opening().employer_id(), "siret-")) << got.opening().employer_id();
  EXPECT_THAT(got.opening().employer_id(), ::testing::Not(HasSubstr("83245718900027")));
  // Not a sync: expires lifetime_days after dateActualisation (2026-11-20).
  EXPECT_EQ(got.opening().expires_on(), engine::FormatDay(engine::DayFromCivil(2026, 11, 20) + 3650));
  EXPECT_TRUE(got.matchable());
}

TEST_F(FranceTravailRpcTest, ReimportCountsChangesAndSyncExpiresOnlyTheSourcesAbsentOpenings) {
  const std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  v1::ImportFranceTravailOffersResponse first;
  ASSERT_TRUE(Import(offers, Options(true), &first).ok());
  EXPECT_EQ(first.added_count(), 5);
  EXPECT_EQ(first.expired_count(), 0);
  grpc::ClientContext put_context;
  v1::PutOpeningRequest put;
  *put.mutable_opening() = MasonOpening("own-opening");
  v1::PutOpeningResponse put_response;
  ASSERT_TRUE(employer_->PutOpening(&put_context, put, &put_response).ok());

  // The next full snapshot no longer holds 201NBQZ and 201QRTS; 201RAPP is sent but rejected.
  std::vector<v1::FranceTravailOffer> next = {offers[0], offers[2], offers[4]};
  next[2].mutable_lieu_travail()->Clear();
  v1::ImportFranceTravailOffersResponse second;
  ASSERT_TRUE(Import(next, Options(true), &second).ok());
  EXPECT_EQ(second.received_count(), 3);
  EXPECT_EQ(second.added_count(), 0);
  EXPECT_EQ(second.changed_count(), 2);
  EXPECT_EQ(second.rejected_count(), 1);
  EXPECT_EQ(second.expired_count(), 2);
  EXPECT_THAT(second.expired_ids(), ElementsAre("201NBQZ", "201QRTS"));

  v1::GetOpeningResponse got;
  EXPECT_EQ(GetOpening("201NBQZ", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(GetOpening("201RAPP", &got).ok());  // a rejected copy does not expire the stored one
  EXPECT_TRUE(GetOpening("own-opening", &got).ok());  // not of the source
  EXPECT_TRUE(GetOpening("201MWKT", &got).ok());
  EXPECT_EQ(got.opening().expires_on(), "");  // a synced source expires by sync, not by lifetime
  // No start date is published: the import day, not day 0 (which the timing criterion reads as 1970).
  EXPECT_GT(got.opening().start_date(), "2026-01-01");

  // Another source's sync leaves francetravail's openings alone.
  v1::FranceTravailImportOptions other = Options(true);
  other.set_source("platform-horizon");
  v1::ImportFranceTravailOffersResponse third;
  ASSERT_TRUE(Import({offers[1]}, other, &third).ok());
  EXPECT_EQ(third.expired_count(), 0);
  EXPECT_TRUE(GetOpening("201MWKT", &got).ok());
}

TEST_F(FranceTravailRpcTest, SyncSkipsOpeningsDeletedMeanwhile) {
  const std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  v1::ImportFranceTravailOffersResponse first;
  ASSERT_TRUE(Import(offers, Options(true), &first).ok());
  grpc::ClientContext context;
  v1::DeleteOpeningRequest del;
  del.set_opening_id("201PKRX");
  v1::DeleteOpeningResponse deleted;
  ASSERT_TRUE(employer_->DeleteOpening(&context, del, &deleted).ok());
  v1::ImportFranceTravailOffersResponse second;
  ASSERT_TRUE(Import({offers[0], offers[1], offers[3]}, Options(true), &second).ok());
  EXPECT_THAT(second.expired_ids(), ElementsAre("201RAPP"));  // 201PKRX was already gone: not counted
  EXPECT_EQ(second.expired_count(), 1);
}

// Issue 16, defect 1, for this import too: a message whose bytes do not decode (an intitule with the
// bytes ff fe) must not end the stream OK with the messages after it unread; the call fails saying how far
// it went, and a sync that failed expires nothing.
TEST_F(FranceTravailRpcTest, UndecodableMessageFailsTheCallAndExpiresNothing) {
  const std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  v1::ImportFranceTravailOffersResponse first;
  ASSERT_TRUE(Import(offers, Options(true), &first).ok());

  v1::ImportFranceTravailOffersRequest good;
  *good.mutable_options() = Options(true);
  *good.add_offers() = offers[0];
  v1::ImportFranceTravailOffersRequest marked;
  *marked.add_offers() = offers[1];
  marked.mutable_offers(0)->set_intitule("Macon@@");
  std::string bad = marked.SerializeAsString();
  bad.replace(bad.find("Macon@@"), 7, "Macon\xff\xfe");
  v1::ImportFranceTravailOffersRequest last;
  *last.add_offers() = offers[2];

  auto channel = testing::KeyedChannel(server_.address(), {{"", server_.employer_key()}});
  grpc::ClientContext context;
  v1::ImportFranceTravailOffersResponse response;
  const grpc::internal::RpcMethod rpc("/passerelle.v1.Matching/ImportFranceTravailOffers",
                                      grpc::internal::RpcMethod::CLIENT_STREAMING);
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(channel.get(), rpc, &context, &response));
  for (const std::string& bytes : {good.SerializeAsString(), bad, last.SerializeAsString()}) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    writer->Write(buffer);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("messages[1]"));
  EXPECT_THAT(status.error_message(), HasSubstr("import stopped after 2 items received"));
  v1::GetOpeningResponse got;
  for (const auto& offer : offers) EXPECT_TRUE(GetOpening(offer.id(), &got).ok()) << offer.id();
}

TEST_F(FranceTravailRpcTest, SyncWithNothingStoredExpiresNothing) {
  v1::ImportFranceTravailOffersResponse first;
  ASSERT_TRUE(Import(Fixture("search_response.json"), Options(true), &first).ok());
  v1::ImportFranceTravailOffersResponse second;
  grpc::Status status = Import(Fixture("rejected.jsonl"), Options(true), &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  v1::GetOpeningResponse got;
  EXPECT_TRUE(GetOpening("201MWKT", &got).ok());
}

TEST_F(FranceTravailRpcTest, OfferPastItsLifetimeIsRejected) {
  std::vector<v1::FranceTravailOffer> offers = {Fixture("search_response.json")[0]};
  offers[0].set_date_actualisation("2001-01-01T00:00:00.000Z");
  v1::ImportFranceTravailOffersResponse response;
  ASSERT_TRUE(Import(offers, Options(false, 0), &response).ok());
  ASSERT_EQ(response.offers_size(), 1);
  EXPECT_EQ(response.offers(0).field(), "dateActualisation");
  EXPECT_THAT(response.offers(0).reason(), HasSubstr("60-day lifetime"));
  EXPECT_EQ(response.rejected_count(), 1);
}

TEST_F(FranceTravailRpcTest, BadOptionsFailTheCall) {
  v1::ImportFranceTravailOffersResponse response;
  v1::FranceTravailImportOptions bad = Options(false);
  bad.set_source("France Travail");
  grpc::Status status = Import(Fixture("search_response.json"), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "options.source")) << status.error_message();
  v1::GetOpeningResponse got;
  EXPECT_EQ(GetOpening("201MWKT", &got).error_code(), grpc::StatusCode::NOT_FOUND);

  // Options again in a later message.
  grpc::ClientContext context;
  auto writer = employer_->ImportFranceTravailOffers(&context, &response);
  v1::ImportFranceTravailOffersRequest request;
  *request.mutable_options() = Options(false);
  writer->Write(request);
  writer->Write(request);
  writer->WritesDone();
  status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "options")) << status.error_message();
}

TEST_F(FranceTravailRpcTest, OnlyEmployerKeysMayImport) {
  auto counsellor = server_.StubWithKey(server_.counsellor_key());
  v1::ImportFranceTravailOffersResponse response;
  grpc::Status status = Import(Fixture("search_response.json"), Options(false), &response, counsellor.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto anonymous = server_.StubWithKey("");
  status = Import(Fixture("search_response.json"), Options(false), &response, anonymous.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace passerelle::server
