// Who may do what, through an in-process server: every rpc x role against the table of
// docs/security.md, existence never leaking across organisations (NOT_FOUND), owners taken from the
// credential, sharing agreements, and the employers' consent and view. Keys and limits: keys_rpc_test.cc.
#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "tests/server/access_fixture.h"

namespace passerelle::server::testing {
namespace {

// --- The rules table, rpc by rpc (docs/security.md) ---

struct RpcCase {
  std::string method;
  std::function<grpc::Status(Stub&)> call;
  // Expected code per role; a role not listed: PERMISSION_DENIED.
  std::map<Role, Code> allowed;
};

std::vector<RpcCase> Cases() {
  auto candidate_put = [](Stub& s) {
    v1::PutCandidateRequest r;
    *r.mutable_candidate() = MasonCandidate("cand-new");
    r.mutable_candidate()->clear_owner_id();
    return Call(s, &Stub::PutCandidate, r);
  };
  auto opening_put = [](Stub& s) {
    v1::PutOpeningRequest r;
    *r.mutable_opening() = MasonOpening("open-new");
    r.mutable_opening()->clear_owner_id();
    return Call(s, &Stub::PutOpening, r);
  };
  // Deletes of an id nobody holds: NOT_FOUND for the roles allowed (no record is lost between cases).
  auto candidate_delete = [](Stub& s) {
    v1::DeleteCandidateRequest r;
    r.set_candidate_id("cand-absent");
    return Call(s, &Stub::DeleteCandidate, r);
  };
  auto opening_delete = [](Stub& s) {
    v1::DeleteOpeningRequest r;
    r.set_opening_id("open-absent");
    return Call(s, &Stub::DeleteOpening, r);
  };
  auto candidate_get = [](Stub& s) {
    v1::GetCandidateRequest r;
    r.set_candidate_id("cand-mason");
    return Call(s, &Stub::GetCandidate, r);
  };
  auto opening_get = [](Stub& s) {
    v1::GetOpeningRequest r;
    r.set_opening_id("open-bobigny");
    return Call(s, &Stub::GetOpening, r);
  };
  auto match_openings = [](Stub& s) {
    v1::MatchOpeningsRequest r;
    r.set_candidate_id("cand-mason");
    return Call(s, &Stub::MatchOpenings, r);
  };
  auto match_candidates = [](Stub& s) {
    v1::MatchCandidatesRequest r;
    r.set_opening_id("open-bobigny");
    return Call(s, &Stub::MatchCandidates, r);
  };
  auto explain = [](Stub& s) {
    v1::ExplainRequest r;
    r.set_candidate_id("cand-mason");
    r.set_opening_id("open-bobigny");
    return Call(s, &Stub::Explain, r);
  };
  auto profile_put = [](Stub& s) {
    v1::PutScoringProfileRequest r;
    r.mutable_profile()->set_name("french-first");
    r.mutable_profile()->mutable_weights()->set_french(4);
    r.mutable_profile()->mutable_weights()->set_occupation(1);
    return Call(s, &Stub::PutScoringProfile, r);
  };
  auto profile_get = [](Stub& s) {
    v1::GetScoringProfileRequest r;
    r.set_name("default");
    return Call(s, &Stub::GetScoringProfile, r);
  };
  auto profile_list = [](Stub& s) { return Call(s, &Stub::ListScoringProfiles, v1::ListScoringProfilesRequest()); };
  auto status = [](Stub& s) { return Call(s, &Stub::GetStatus, v1::GetStatusRequest()); };
  auto assign = [](Stub& s) { return Call(s, &Stub::Assign, v1::AssignRequest()); };
  auto form_cohorts = [](Stub& s) {
    grpc::ClientContext context;
    auto reader = s.FormCohorts(&context, v1::FormCohortsRequest());
    v1::FormCohortsResponse response;
    while (reader->Read(&response)) {
    }
    return reader->Finish();
  };
  auto rerank = [](Stub& s) {
    grpc::ClientContext context;
    auto reader = s.Rerank(&context, v1::RerankRequest());
    v1::RerankResponse response;
    while (reader->Read(&response)) {
    }
    return reader->Finish();
  };
  auto import_candidates = [](Stub& s) {
    grpc::ClientContext context;
    v1::ImportResponse response;
    auto writer = s.ImportCandidates(&context, &response);
    writer->WritesDone();
    return writer->Finish();
  };
  auto import_openings = [](Stub& s) {
    grpc::ClientContext context;
    v1::ImportResponse response;
    auto writer = s.ImportOpenings(&context, &response);
    writer->WritesDone();
    return writer->Finish();
  };
  auto list_candidates = [](Stub& s) { return Call(s, &Stub::ListCandidates, v1::ListCandidatesRequest()); };
  auto list_openings = [](Stub& s) { return Call(s, &Stub::ListOpenings, v1::ListOpeningsRequest()); };
  auto search_openings = [](Stub& s) {
    v1::SearchOpeningsRequest r;
    *r.mutable_profile() = MasonCandidate("");
    r.mutable_profile()->clear_owner_id();
    return Call(s, &Stub::SearchOpenings, r);
  };
  auto search_candidates = [](Stub& s) {
    v1::SearchCandidatesRequest r;
    *r.mutable_profile() = MasonOpening("");
    r.mutable_profile()->clear_owner_id();
    return Call(s, &Stub::SearchCandidates, r);
  };
  auto lookup_occupations = [](Stub& s) {
    v1::LookupOccupationsRequest r;
    r.set_query("macon");
    return Call(s, &Stub::LookupOccupations, r);
  };
  auto lookup_communes = [](Stub& s) {
    v1::LookupCommunesRequest r;
    r.set_query("bobigny");
    return Call(s, &Stub::LookupCommunes, r);
  };
  auto lookup_skills = [](Stub& s) {
    v1::LookupSkillsRequest r;
    r.set_rome_code("F1703");
    return Call(s, &Stub::LookupSkills, r);
  };
  using R = Role;
  const Code ok = Code::OK, nf = Code::NOT_FOUND;
  // The counsellor, batch and reader keys are of the candidate's organisation; the employer's of the
  // opening's; the mason has not agreed to be shared with employers, so the employer gets NOT_FOUND.
  return {
      {"PutCandidate", candidate_put, {{R::kCounsellor, ok}}},
      {"DeleteCandidate", candidate_delete, {{R::kCounsellor, nf}}},
      {"ImportCandidates", import_candidates, {{R::kCounsellor, ok}}},
      {"GetCandidate", candidate_get, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, nf}}},
      {"PutOpening", opening_put, {{R::kEmployer, ok}}},
      {"DeleteOpening", opening_delete, {{R::kEmployer, nf}}},
      {"ImportOpenings", import_openings, {{R::kEmployer, ok}}},
      {"GetOpening", opening_get, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, ok}}},
      {"MatchOpenings", match_openings, {{R::kCounsellor, ok}, {R::kReader, ok}}},
      {"MatchCandidates", match_candidates, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, ok}}},
      {"Explain", explain, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, nf}}},
      {"PutScoringProfile", profile_put, {{R::kAdmin, ok}}},
      {"GetScoringProfile", profile_get,
       {{R::kCounsellor, ok}, {R::kEmployer, ok}, {R::kBatch, ok}, {R::kReader, ok}, {R::kAdmin, ok}}},
      {"ListScoringProfiles", profile_list,
       {{R::kCounsellor, ok}, {R::kEmployer, ok}, {R::kBatch, ok}, {R::kReader, ok}, {R::kAdmin, ok}}},
      {"GetStatus", status, {{R::kAdmin, ok}}},
      {"Rerank", rerank, {{R::kCounsellor, ok}, {R::kBatch, ok}}},
      {"Assign", assign, {{R::kCounsellor, ok}, {R::kBatch, ok}}},
      {"FormCohorts", form_cohorts, {{R::kCounsellor, ok}, {R::kBatch, ok}}},
      {"ListCandidates", list_candidates, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, ok}}},
      {"ListOpenings", list_openings, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, ok}}},
      {"SearchOpenings", search_openings, {{R::kCounsellor, ok}, {R::kReader, ok}}},
      {"SearchCandidates", search_candidates, {{R::kCounsellor, ok}, {R::kReader, ok}, {R::kEmployer, ok}}},
      {"LookupOccupations", lookup_occupations,
       {{R::kCounsellor, ok}, {R::kEmployer, ok}, {R::kBatch, ok}, {R::kReader, ok}, {R::kAdmin, ok}}},
      {"LookupCommunes", lookup_communes,
       {{R::kCounsellor, ok}, {R::kEmployer, ok}, {R::kBatch, ok}, {R::kReader, ok}, {R::kAdmin, ok}}},
      {"LookupSkills", lookup_skills,
       {{R::kCounsellor, ok}, {R::kEmployer, ok}, {R::kBatch, ok}, {R::kReader, ok}, {R::kAdmin, ok}}},
  };
}

TEST_F(AccessRpcTest, EveryMatchingRpcByRoleFollowsTheRulesTable) {
  std::map<Role, std::unique_ptr<Stub>> stubs;
  stubs[Role::kCounsellor] = As(kCounsellorOrg, Role::kCounsellor);
  stubs[Role::kEmployer] = As(kEmployerOrg, Role::kEmployer);
  stubs[Role::kBatch] = As(kCounsellorOrg, Role::kBatch);
  stubs[Role::kReader] = As(kCounsellorOrg, Role::kReader);
  stubs[Role::kAdmin] = server_.StubWithKey(server_.admin_key());
  auto anonymous = server_.StubWithKey("");
  for (const RpcCase& c : Cases()) {
    EXPECT_EQ(c.call(*anonymous).error_code(), Code::UNAUTHENTICATED) << c.method << " without a key";
    for (auto& [role, stub] : stubs) {
      auto it = c.allowed.find(role);
      const Code expected = it == c.allowed.end() ? Code::PERMISSION_DENIED : it->second;
      const grpc::Status status = c.call(*stub);
      EXPECT_EQ(status.error_code(), expected) << c.method << " as " << RoleName(role) << ": " << status.error_message();
    }
  }
}

TEST_F(AccessRpcTest, EveryAccessRpcIsForAdminsOnly) {
  for (Role role : {Role::kCounsellor, Role::kEmployer, Role::kBatch, Role::kReader}) {
    auto access = server_.AccessStub(server_.NewKey(kCounsellorOrg, role));
    grpc::ClientContext c1, c2, c3, c4, c5, c6;
    v1::CreateKeyResponse created;
    v1::CreateKeyRequest create;
    create.set_organisation(kCounsellorOrg);
    create.set_role("admin");
    EXPECT_EQ(access->CreateKey(&c1, create, &created).error_code(), Code::PERMISSION_DENIED) << RoleName(role);
    v1::ListKeysResponse keys;
    EXPECT_EQ(access->ListKeys(&c2, v1::ListKeysRequest(), &keys).error_code(), Code::PERMISSION_DENIED);
    v1::RevokeKeyRequest revoke;
    revoke.set_key_id("k0000000000000000");
    v1::RevokeKeyResponse revoked;
    EXPECT_EQ(access->RevokeKey(&c3, revoke, &revoked).error_code(), Code::PERMISSION_DENIED);
    v1::PutSharingAgreementRequest share;
    share.mutable_agreement()->set_owner_organisation(kCounsellorOrg);
    share.mutable_agreement()->set_reader_organisation(kOtherOrg);
    v1::PutSharingAgreementResponse shared;
    EXPECT_EQ(access->PutSharingAgreement(&c4, share, &shared).error_code(), Code::PERMISSION_DENIED);
    v1::DeleteSharingAgreementResponse unshared;
    EXPECT_EQ(access->DeleteSharingAgreement(&c5, v1::DeleteSharingAgreementRequest(), &unshared).error_code(),
              Code::PERMISSION_DENIED);
    v1::ListSharingAgreementsResponse agreements;
    EXPECT_EQ(access->ListSharingAgreements(&c6, v1::ListSharingAgreementsRequest(), &agreements).error_code(),
              Code::PERMISSION_DENIED);
  }
  auto anonymous = server_.AccessStub("");
  grpc::ClientContext context;
  v1::ListKeysResponse keys;
  EXPECT_EQ(anonymous->ListKeys(&context, v1::ListKeysRequest(), &keys).error_code(), Code::UNAUTHENTICATED);
}

// --- Organisations do not see each other ---

TEST_F(AccessRpcTest, AnotherOrganisationGetsTheSameNotFoundAsForAnAbsentId) {
  auto other = As(kOtherOrg, Role::kCounsellor);
  const grpc::Status theirs = GetCandidate(*other, "cand-mason");
  const grpc::Status absent = GetCandidate(*other, "cand-absent");
  EXPECT_EQ(theirs.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(theirs.error_message(), "candidate_id: no candidate \"cand-mason\"");
  EXPECT_EQ(absent.error_message(), "candidate_id: no candidate \"cand-absent\"");

  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-mason");
  EXPECT_EQ(Call(*other, &Stub::DeleteCandidate, del).error_code(), Code::NOT_FOUND);
  EXPECT_TRUE(GetCandidate(server_.stub(), "cand-mason").ok()) << "another organisation deleted the record";

  v1::MatchOpeningsRequest match;
  match.set_candidate_id("cand-mason");
  EXPECT_EQ(Call(*other, &Stub::MatchOpenings, match).error_code(), Code::NOT_FOUND);
  v1::ExplainRequest explain;
  explain.set_candidate_id("cand-mason");
  explain.set_opening_id("open-bobigny");
  EXPECT_EQ(Call(*other, &Stub::Explain, explain).error_code(), Code::NOT_FOUND);
  // Every opening is visible to counsellors, but not the other organisation's candidates.
  EXPECT_THAT(MatchedCandidates(server_.stub(), "open-bobigny"), ::testing::ElementsAre("cand-mason"));
  EXPECT_THAT(MatchedCandidates(*other, "open-bobigny"), ::testing::IsEmpty());
}

// The match rpcs answer the access check from the index where it holds the named record: naming another
// organisation's record as its owner must still answer exactly as for an absent id.
TEST_F(AccessRpcTest, AMatchNamingAnotherOrganisationsRecordWithItsOwnerGetsTheNotFoundOfAnAbsentId) {
  auto other = As(kOtherOrg, Role::kCounsellor);
  for (const std::string id : {"cand-mason", "cand-absent"}) {
    const std::string absent = "candidate_id: no candidate \"" + id + "\"";
    v1::MatchOpeningsRequest match;
    match.set_candidate_id(id);
    match.set_candidate_owner(kCounsellorOrg);
    grpc::Status status = Call(*other, &Stub::MatchOpenings, match);
    EXPECT_EQ(status.error_code(), Code::NOT_FOUND);
    EXPECT_EQ(status.error_message(), absent);
    v1::ExplainRequest explain;
    explain.set_candidate_id(id);
    explain.set_candidate_owner(kCounsellorOrg);
    explain.set_opening_id("open-bobigny");
    status = Call(*other, &Stub::Explain, explain);
    EXPECT_EQ(status.error_code(), Code::NOT_FOUND);
    EXPECT_EQ(status.error_message(), absent);
  }
  auto rival = As("rival-employer", Role::kEmployer);
  v1::MatchCandidatesRequest candidates;
  candidates.set_opening_id("open-bobigny");
  candidates.set_opening_owner(kEmployerOrg);
  const grpc::Status status = Call(*rival, &Stub::MatchCandidates, candidates);
  EXPECT_EQ(status.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "opening_id: no opening \"open-bobigny\"");
  // The owner's own counsellor, naming its organisation, is answered.
  v1::MatchOpeningsRequest own;
  own.set_candidate_id("cand-mason");
  own.set_candidate_owner(kCounsellorOrg);
  EXPECT_TRUE(Call(server_.stub(), &Stub::MatchOpenings, own).ok());
}

TEST_F(AccessRpcTest, MatchCandidatesRanksOnlyTheCandidatesTheCallerMaySee) {
  // Another organisation's candidate who scores higher (attested C1 French) must not take the caller's
  // only slot: the engine ranks within the caller's visibility, it does not filter a global top k.
  auto other = As(kOtherOrg, Role::kCounsellor);
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("cand-rival");
  put.mutable_candidate()->clear_owner_id();
  put.mutable_candidate()->set_french_level(v1::CEFR_LEVEL_C1);
  put.mutable_candidate()->set_french_attested(true);
  ASSERT_TRUE(Call(*other, &Stub::PutCandidate, put).ok());
  for (auto* stub : {&server_.stub(), other.get()}) {
    v1::MatchCandidatesRequest request;
    request.set_opening_id("open-bobigny");
    request.set_k(1);
    v1::MatchCandidatesResponse response;
    ASSERT_TRUE(Call(*stub, &Stub::MatchCandidates, request, &response).ok());
    ASSERT_EQ(response.matches_size(), 1);
    EXPECT_EQ(response.matches(0).id(), stub == other.get() ? "cand-rival" : "cand-mason");
    EXPECT_EQ(response.matches(0).owner_id(), stub == other.get() ? kOtherOrg : kCounsellorOrg);
    EXPECT_EQ(response.scored_pairs(), 0);  // counts over every organisation are withheld
  }
}

TEST_F(AccessRpcTest, AnOpeningIdPublishedByTwoEmployersMustBeNamedWithItsOwner) {
  auto rival = As("rival-employer", Role::kEmployer);
  v1::PutOpeningRequest put;
  *put.mutable_opening() = TrainedOpening();
  put.mutable_opening()->clear_owner_id();
  put.mutable_opening()->set_id("open-bobigny");
  ASSERT_TRUE(Call(*rival, &Stub::PutOpening, put).ok());  // a record of its own, not a conflict
  v1::GetOpeningRequest get;
  get.set_opening_id("open-bobigny");
  grpc::Status status = Call(server_.stub(), &Stub::GetOpening, get);
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "opening_owner: ")) << status.error_message();
  get.set_opening_owner("rival-employer");
  v1::GetOpeningResponse got;
  ASSERT_TRUE(Call(server_.stub(), &Stub::GetOpening, get, &got).ok());
  EXPECT_EQ(got.opening().owner_id(), "rival-employer");
  // Each employer still reaches its own under the bare id.
  ASSERT_TRUE(Call(*rival, &Stub::GetOpening, v1::GetOpeningRequest(get), &got).ok());
  v1::GetOpeningRequest own;
  own.set_opening_id("open-bobigny");
  ASSERT_TRUE(Call(*rival, &Stub::GetOpening, own, &got).ok());
  EXPECT_EQ(got.opening().owner_id(), "rival-employer");
}

TEST_F(AccessRpcTest, AnEmployerSeesNeitherOtherEmployersOpeningsNorTheirDeletes) {
  auto rival = As("rival-employer", Role::kEmployer);
  v1::GetOpeningRequest get;
  get.set_opening_id("open-bobigny");
  grpc::Status status = Call(*rival, &Stub::GetOpening, get);
  EXPECT_EQ(status.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "opening_id: no opening \"open-bobigny\"");
  v1::DeleteOpeningRequest del;
  del.set_opening_id("open-bobigny");
  EXPECT_EQ(Call(*rival, &Stub::DeleteOpening, del).error_code(), Code::NOT_FOUND);
  v1::MatchCandidatesRequest match;
  match.set_opening_id("open-bobigny");
  EXPECT_EQ(Call(*rival, &Stub::MatchCandidates, match).error_code(), Code::NOT_FOUND);
}

TEST_F(AccessRpcTest, TheOwnerComesFromTheCredentialNeverFromTheBody) {
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate("cand-claimed");
  request.mutable_candidate()->set_owner_id(kOtherOrg);
  grpc::Status status = Call(server_.stub(), &Stub::PutCandidate, request);
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "candidate.owner_id: ")) << status.error_message();

  request.mutable_candidate()->clear_owner_id();
  ASSERT_TRUE(Call(server_.stub(), &Stub::PutCandidate, request).ok());
  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate(server_.stub(), "cand-claimed", &got).ok());
  EXPECT_EQ(got.candidate().owner_id(), kCounsellorOrg);
}

TEST_F(AccessRpcTest, AnotherOrganisationsPutOfTheSameIdMakesARecordOfItsOwn) {
  auto other = As(kOtherOrg, Role::kCounsellor);
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate();
  request.mutable_candidate()->clear_owner_id();
  request.mutable_candidate()->set_french_level(v1::CEFR_LEVEL_C1);
  v1::PutCandidateResponse created;
  ASSERT_TRUE(Call(*other, &Stub::PutCandidate, request, &created).ok());
  EXPECT_TRUE(created.created());
  v1::GetCandidateResponse mine, theirs;
  ASSERT_TRUE(GetCandidate(server_.stub(), "cand-mason", &mine).ok());
  ASSERT_TRUE(GetCandidate(*other, "cand-mason", &theirs).ok());
  EXPECT_EQ(mine.candidate().owner_id(), kCounsellorOrg);
  EXPECT_NE(mine.candidate().french_level(), v1::CEFR_LEVEL_C1);
  EXPECT_EQ(theirs.candidate().owner_id(), kOtherOrg);
}

TEST_F(AccessRpcTest, NoIdCanBeTakenOverAfterADelete) {
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-mason");
  ASSERT_TRUE(Call(server_.stub(), &Stub::DeleteCandidate, del).ok());
  auto other = As(kOtherOrg, Role::kCounsellor);
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate();
  request.mutable_candidate()->clear_owner_id();
  ASSERT_TRUE(Call(*other, &Stub::PutCandidate, request).ok());
  // The first organisation's id names nothing of the other's.
  EXPECT_EQ(GetCandidate(server_.stub(), "cand-mason").error_code(), Code::NOT_FOUND);
}

// --- Sharing agreements ---

TEST_F(AccessRpcTest, ASharingAgreementLetsTheReaderReadButNotWriteUntilItEnds) {
  auto other = As(kOtherOrg, Role::kCounsellor);
  auto admin = server_.AccessStub(server_.admin_key());
  ASSERT_EQ(GetCandidate(*other, "cand-mason").error_code(), Code::NOT_FOUND);
  {
    grpc::ClientContext context;
    v1::PutSharingAgreementRequest share;
    share.mutable_agreement()->set_owner_organisation(kCounsellorOrg);
    share.mutable_agreement()->set_reader_organisation(kOtherOrg);
    v1::PutSharingAgreementResponse response;
    ASSERT_TRUE(admin->PutSharingAgreement(&context, share, &response).ok());
    EXPECT_TRUE(response.created());
  }
  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate(*other, "cand-mason", &got).ok());
  EXPECT_EQ(got.candidate().commune_insee(), engine::testing::kSaintDenis);  // the full record
  EXPECT_THAT(MatchedCandidates(*other, "open-bobigny"), ::testing::ElementsAre("cand-mason"));
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("cand-mason");
  EXPECT_EQ(Call(*other, &Stub::DeleteCandidate, del).error_code(), Code::NOT_FOUND);
  // Not the other way round.
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("cand-theirs");
  put.mutable_candidate()->clear_owner_id();
  ASSERT_TRUE(Call(*other, &Stub::PutCandidate, put).ok());
  EXPECT_EQ(GetCandidate(server_.stub(), "cand-theirs").error_code(), Code::NOT_FOUND);
  {
    grpc::ClientContext context;
    v1::DeleteSharingAgreementRequest end;
    end.set_owner_organisation(kCounsellorOrg);
    end.set_reader_organisation(kOtherOrg);
    v1::DeleteSharingAgreementResponse response;
    ASSERT_TRUE(admin->DeleteSharingAgreement(&context, end, &response).ok());
  }
  EXPECT_EQ(GetCandidate(*other, "cand-mason").error_code(), Code::NOT_FOUND);
}

// --- Employers: consent and the employer view ---

TEST_F(AccessRpcTest, AnEmployerSeesOnlyConsentingCandidatesAndOnlyTheFieldsThatJudgeTheMatch) {
  auto employer = server_.StubWithKey(server_.employer_key());
  EXPECT_EQ(GetCandidate(*employer, "cand-mason").error_code(), Code::NOT_FOUND);
  EXPECT_THAT(MatchedCandidates(*employer, "open-bobigny"), ::testing::IsEmpty());

  v1::PutCandidateRequest consent;
  *consent.mutable_candidate() = MasonCandidate();
  consent.mutable_candidate()->set_shared_with_employers(true);
  consent.mutable_candidate()->set_vehicle(true);
  ASSERT_TRUE(Call(server_.stub(), &Stub::PutCandidate, consent).ok());

  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate(*employer, "cand-mason", &got).ok());
  const v1::Candidate& seen = got.candidate();
  EXPECT_EQ(seen.id(), "cand-mason");
  EXPECT_EQ(seen.wished_occupations_size(), consent.candidate().wished_occupations_size());
  EXPECT_EQ(seen.skills_size(), consent.candidate().skills_size());
  EXPECT_EQ(seen.french_level(), consent.candidate().french_level());
  EXPECT_EQ(seen.owner_id(), "");
  EXPECT_EQ(seen.commune_insee(), "");
  EXPECT_EQ(seen.housing(), v1::HOUSING_STATUS_UNSPECIFIED);
  EXPECT_FALSE(seen.vehicle());
  EXPECT_THAT(MatchedCandidates(*employer, "open-bobigny"), ::testing::ElementsAre("cand-mason"));
}

}  // namespace
}  // namespace passerelle::server::testing
