// The integration rpcs through an in-process server: listing with pages that survive writes, filters and
// the trust rules; searching without storing; reference look-ups; structured field errors.
#include <set>

#include "server/status_convert.h"
#include "tests/server/access_fixture.h"

namespace passerelle::server::testing {
namespace {

class IntegrationRpcTest : public AccessRpcTest {
 protected:
  void PutCandidate(Stub& stub, v1::Candidate candidate) {
    candidate.clear_owner_id();
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = std::move(candidate);
    const grpc::Status status = Call(stub, &Stub::PutCandidate, request);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // Every page of ListCandidates with `request`'s filter and page size, ids in order.
  std::vector<std::string> ListAll(Stub& stub, v1::ListCandidatesRequest request) {
    std::vector<std::string> ids;
    do {
      v1::ListCandidatesResponse response;
      const grpc::Status status = Call(stub, &Stub::ListCandidates, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const v1::Candidate& c : response.candidates()) ids.push_back(c.id());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return ids;
  }
};

TEST_F(IntegrationRpcTest, PagesStayValidAcrossWritesInOwnerAndIdOrder) {
  for (const char* id : {"cand-01", "cand-02", "cand-03", "cand-04"}) PutCandidate(server_.stub(), MasonCandidate(id));
  v1::ListCandidatesRequest request;
  request.set_page_size(2);
  v1::ListCandidatesResponse first;
  ASSERT_TRUE(Call(server_.stub(), &Stub::ListCandidates, request, &first).ok());
  ASSERT_EQ(first.candidates_size(), 2);
  EXPECT_EQ(first.candidates(0).id(), "cand-01");
  EXPECT_EQ(first.candidates(1).id(), "cand-02");
  EXPECT_EQ(first.infos(0).owner_id(), kCounsellorOrg);
  EXPECT_GT(first.infos(0).updated_unix_seconds(), 0);
  EXPECT_TRUE(first.infos(0).matchable());
  ASSERT_FALSE(first.next_page_token().empty());

  // Writes between two pages: one before the token (not listed), one after it (listed), one deleted.
  PutCandidate(server_.stub(), MasonCandidate("cand-00"));
  PutCandidate(server_.stub(), MasonCandidate("cand-025"));
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-03");
  ASSERT_TRUE(Call(server_.stub(), &Stub::DeleteCandidate, del).ok());
  request.set_page_token(first.next_page_token());
  EXPECT_EQ(ListAll(server_.stub(), request),
            (std::vector<std::string>{"cand-025", "cand-04", "cand-mason"}));
}

TEST_F(IntegrationRpcTest, ListingFollowsTheTrustRules) {
  PutCandidate(server_.stub(), [] {
    v1::Candidate shared = MasonCandidate("cand-shared");
    shared.set_shared_with_employers(true);
    return shared;
  }());
  auto other = As(kOtherOrg, Role::kCounsellor);
  EXPECT_TRUE(ListAll(*other, {}).empty());
  PutCandidate(*other, MasonCandidate("cand-other"));
  EXPECT_EQ(ListAll(*other, {}), std::vector<std::string>{"cand-other"});
  EXPECT_EQ(ListAll(server_.stub(), {}), (std::vector<std::string>{"cand-mason", "cand-shared"}));
  // Naming another organisation as owner lists nothing rather than telling what it holds.
  v1::ListCandidatesRequest theirs;
  theirs.mutable_filter()->set_owner_id(kOtherOrg);
  EXPECT_TRUE(ListAll(server_.stub(), theirs).empty());
  // An employer sees the consenting candidates of every organisation only.
  auto employer = As(kEmployerOrg, Role::kEmployer);
  EXPECT_EQ(ListAll(*employer, {}), std::vector<std::string>{"cand-shared"});
  // Openings: an employer lists its own, a counsellor every published one.
  auto other_employer = As(kOtherOrg, Role::kEmployer);
  v1::ListOpeningsResponse openings;
  ASSERT_TRUE(Call(*other_employer, &Stub::ListOpenings, v1::ListOpeningsRequest(), &openings).ok());
  EXPECT_EQ(openings.openings_size(), 0);
  ASSERT_TRUE(Call(*other, &Stub::ListOpenings, v1::ListOpeningsRequest(), &openings).ok());
  ASSERT_EQ(openings.openings_size(), 1);
  EXPECT_EQ(openings.infos(0).owner_id(), kEmployerOrg);
}

TEST_F(IntegrationRpcTest, ListFiltersSelectByPlaceOccupationContractAndTime) {
  auto listed = [&](const std::function<void(v1::ListFilter*)>& set) {
    v1::ListCandidatesRequest request;
    set(request.mutable_filter());
    return ListAll(server_.stub(), request).size();
  };
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_departements("93"); }), 1u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_departements("69"); }), 0u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_occupations("F17"); }), 1u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_occupations("F1606"); }), 1u);  // a past occupation
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_occupations("A"); }), 0u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_contract_types(v1::CONTRACT_TYPE_CDI); }), 1u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->add_contract_types(v1::CONTRACT_TYPE_STAGE); }), 0u);
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->set_updated_since_unix_seconds(4102444800); }), 0u);  // 2100
  EXPECT_EQ(listed([](v1::ListFilter* f) { f->set_updated_since_unix_seconds(1); }), 1u);

  v1::ListOpeningsRequest openings;
  openings.mutable_filter()->add_contract_types(v1::CONTRACT_TYPE_CDD);
  v1::ListOpeningsResponse none;
  ASSERT_TRUE(Call(server_.stub(), &Stub::ListOpenings, openings, &none).ok());
  EXPECT_EQ(none.openings_size(), 0);
}

TEST_F(IntegrationRpcTest, AForeignOrStaleTokenIsAFieldError) {
  for (const char* id : {"cand-01", "cand-02"}) PutCandidate(server_.stub(), MasonCandidate(id));
  v1::ListCandidatesRequest request;
  request.set_page_size(1);
  v1::ListCandidatesResponse page;
  ASSERT_TRUE(Call(server_.stub(), &Stub::ListCandidates, request, &page).ok());
  request.set_page_token(page.next_page_token());
  request.mutable_filter()->add_departements("93");  // another filter than the token's
  const grpc::Status status = Call(server_.stub(), &Stub::ListCandidates, request);
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  const auto violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field(), "page_token");
  request.set_page_token("not-base64!");
  EXPECT_EQ(Call(server_.stub(), &Stub::ListCandidates, request).error_code(), Code::INVALID_ARGUMENT);
  request.clear_page_token();
  request.set_page_size(1001);
  EXPECT_EQ(FieldViolations(Call(server_.stub(), &Stub::ListCandidates, request)).at(0).field(), "page_size");
}

TEST_F(IntegrationRpcTest, SearchOpeningsRanksAProfileWithoutStoringIt) {
  v1::SearchOpeningsRequest request;
  *request.mutable_profile() = MasonCandidate("");
  request.mutable_profile()->clear_owner_id();
  v1::MatchOpeningsResponse response;
  const grpc::Status status = Call(server_.stub(), &Stub::SearchOpenings, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).id(), "open-bobigny");
  EXPECT_EQ(response.matches(0).owner_id(), kEmployerOrg);
  EXPECT_EQ(response.matches(0).explanation().candidate_id(), "search");
  // The same profile stored gets the same score.
  v1::MatchOpeningsRequest stored;
  stored.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse matched;
  ASSERT_TRUE(Call(server_.stub(), &Stub::MatchOpenings, stored, &matched).ok());
  EXPECT_FLOAT_EQ(response.matches(0).total(), matched.matches(0).total());
  // Nothing was stored.
  EXPECT_EQ(ListAll(server_.stub(), {}), std::vector<std::string>{"cand-mason"});
  EXPECT_EQ(GetCandidate(server_.stub(), "search").error_code(), Code::NOT_FOUND);
  // A bad profile names its field under "profile".
  request.mutable_profile()->set_commune_insee("99999");
  const grpc::Status bad = Call(server_.stub(), &Stub::SearchOpenings, request);
  EXPECT_EQ(bad.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolations(bad).at(0).field(), "profile.commune_insee");
}

TEST_F(IntegrationRpcTest, SearchCandidatesRanksOnlyReadableCandidates) {
  v1::SearchCandidatesRequest request;
  *request.mutable_profile() = TrainedOpening();
  request.mutable_profile()->clear_owner_id();
  request.mutable_profile()->set_id("");
  v1::MatchCandidatesResponse response;
  ASSERT_TRUE(Call(server_.stub(), &Stub::SearchCandidates, request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).id(), "cand-mason");
  EXPECT_EQ(response.scored_pairs(), 0);  // counts withheld
  auto employer = As(kEmployerOrg, Role::kEmployer);
  ASSERT_TRUE(Call(*employer, &Stub::SearchCandidates, request, &response).ok());
  EXPECT_EQ(response.matches_size(), 0);  // the mason has not consented
  auto other = As(kOtherOrg, Role::kCounsellor);
  ASSERT_TRUE(Call(*other, &Stub::SearchCandidates, request, &response).ok());
  EXPECT_EQ(response.matches_size(), 0);
}

TEST_F(IntegrationRpcTest, LookupsIgnoreAccentsAndCaseAndRankExactWordsFirst) {
  v1::LookupOccupationsRequest titles;
  titles.set_query("MACON");
  v1::LookupOccupationsResponse found;
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupOccupations, titles, &found).ok());
  ASSERT_GT(found.hits_size(), 0);
  EXPECT_EQ(found.hits(0).appellation_label(), "Maçon / Maçonne");
  EXPECT_EQ(found.hits(0).rome_code(), "F1703");
  titles.set_query("aide-soignante à domicile");
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupOccupations, titles, &found).ok());
  ASSERT_GT(found.hits_size(), 0);
  EXPECT_EQ(found.hits(0).appellation_code(), 10892);
  titles.set_query("zzzzqx");
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupOccupations, titles, &found).ok());
  EXPECT_EQ(found.hits_size(), 0);

  v1::LookupCommunesRequest communes;
  communes.set_query("saint denis");
  v1::LookupCommunesResponse places;
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupCommunes, communes, &places).ok());
  ASSERT_GE(places.hits_size(), 2);
  EXPECT_EQ((std::set<std::string>{places.hits(0).insee_code(), places.hits(1).insee_code()}),
            (std::set<std::string>{"93066", "97411"}));  // the two largest of that exact name
  communes.set_departement("93");
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupCommunes, communes, &places).ok());
  EXPECT_EQ(places.hits(0).insee_code(), "93066");
  communes.set_query("93008");
  communes.clear_departement();
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupCommunes, communes, &places).ok());
  ASSERT_EQ(places.hits_size(), 1);
  EXPECT_EQ(places.hits(0).name(), "Bobigny");

  v1::LookupSkillsRequest skills;
  skills.set_rome_code("F1703");
  v1::LookupSkillsResponse items;
  ASSERT_TRUE(Call(server_.stub(), &Stub::LookupSkills, skills, &items).ok());
  ASSERT_GT(items.skills_size(), 1);
  EXPECT_TRUE(items.skills(0).core());
  EXPECT_FALSE(items.skills(items.skills_size() - 1).core());
  skills.set_rome_code("Z9999");
  EXPECT_EQ(FieldViolations(Call(server_.stub(), &Stub::LookupSkills, skills)).at(0).field(), "rome_code");
}

TEST_F(IntegrationRpcTest, InvalidArgumentCarriesABadRequestInTheStatusDetails) {
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate("cand-bad");
  request.mutable_candidate()->clear_owner_id();
  request.mutable_candidate()->set_commune_insee("99999");
  const grpc::Status status = Call(server_.stub(), &Stub::PutCandidate, request);
  ASSERT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  v1::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(details.details(0).value()));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "candidate.commune_insee");
  EXPECT_NE(bad_request.field_violations(0).description().find("99999"), std::string::npos);
  // Other codes carry no details.
  EXPECT_TRUE(GetCandidate(server_.stub(), "cand-absent").error_details().empty());
}

}  // namespace
}  // namespace passerelle::server::testing
