// The route table against the API's descriptors: every rpc has a route, every route names a real rpc,
// and its path variables and body name real fields of the request.
#include "server/gateway/routes.h"

#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "passerelle/v1/access.grpc.pb.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "passerelle/v1/matching.grpc.pb.h"

namespace passerelle::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

const MethodDescriptor* FindRpc(const std::string& rpc) {
  // Touch one message of each file so that its generated descriptors are linked in.
  (void)v1::GetStatusRequest::descriptor();
  (void)v1::ListKeysRequest::descriptor();
  (void)v1::ListAuditEntriesRequest::descriptor();
  std::string dotted = rpc;
  dotted[dotted.find('/')] = '.';
  return DescriptorPool::generated_pool()->FindMethodByName(dotted);
}

// The last field of a dotted path ("candidate.id"), or nullptr.
const FieldDescriptor* FindFieldPath(const Descriptor* message, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  for (const absl::string_view name : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(name));
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

TEST(RoutesTest, EveryRouteNamesARealRpcAndRealFields) {
  for (const Route& route : Routes()) {
    SCOPED_TRACE(std::string(route.http_method) + " " + route.path_template);
    const MethodDescriptor* method = FindRpc(route.rpc);
    ASSERT_NE(method, nullptr);
    const std::string body = route.body;
    if (!body.empty() && body != "*") {
      const FieldDescriptor* field = FindFieldPath(method->input_type(), body);
      ASSERT_NE(field, nullptr);
      EXPECT_EQ(field->type(), FieldDescriptor::TYPE_MESSAGE);
    }
    if (std::string(route.http_method) == "GET" || std::string(route.http_method) == "DELETE") {
      EXPECT_EQ(body, "");
    }
    // Imports need a body to carry their items.
    if (method->client_streaming()) {
      EXPECT_NE(body, "");
    }
    for (absl::string_view segment : absl::StrSplit(route.path_template, '/')) {
      const size_t open = segment.find('{');
      if (open == absl::string_view::npos) continue;
      const std::string variable(segment.substr(open + 1, segment.find('}') - open - 1));
      const FieldDescriptor* field = FindFieldPath(method->input_type(), variable);
      ASSERT_NE(field, nullptr) << variable;
      EXPECT_EQ(field->type(), FieldDescriptor::TYPE_STRING) << variable;
    }
  }
}

TEST(RoutesTest, EveryRpcOfTheApiHasAResourceRoute) {
  std::set<std::string> routed;
  for (const Route& route : Routes()) routed.insert(route.rpc);
  ASSERT_NE(FindRpc("passerelle.v1.Matching/GetStatus"), nullptr);  // links the descriptors
  for (const char* service : {"passerelle.v1.Matching", "passerelle.v1.Access", "passerelle.v1.Governance"}) {
    const auto* descriptor = DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string rpc = std::string(service) + "/" + descriptor->method(i)->name();
      EXPECT_TRUE(routed.count(rpc)) << rpc << " has no route";
    }
  }
}

TEST(RoutesTest, MatchesResourcePathsWithTheirVariables) {
  std::optional<RouteMatch> match = MatchRoute("GET", "/v1/candidates/c-1");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->route->rpc, "passerelle.v1.Matching/GetCandidate");
  EXPECT_THAT(match->variables, testing::ElementsAre(testing::Pair("candidate_id", "c-1")));

  match = MatchRoute("POST", "/v1/candidates/c-1:matchOpenings");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->route->rpc, "passerelle.v1.Matching/MatchOpenings");
  EXPECT_EQ(match->variables["candidate_id"], "c-1");

  match = MatchRoute("PUT", "/v1/candidates/a%2Fb%20c");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->route->rpc, "passerelle.v1.Matching/PutCandidate");
  EXPECT_EQ(match->variables["candidate.id"], "a/b c");

  match = MatchRoute("GET", "/v1/candidates/c-1/openings/o-2:explain");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->variables["candidate_id"], "c-1");
  EXPECT_EQ(match->variables["opening_id"], "o-2");

  match = MatchRoute("GET", "/v1/candidates/c-1:watch");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->route->rpc, "passerelle.v1.Matching/WatchMatches");
  EXPECT_EQ(match->variables["candidate_id"], "c-1");

  // An id may hold ':': only a route's own verb is taken off.
  match = MatchRoute("GET", "/v1/candidates/c-1:nothing");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->variables["candidate_id"], "c-1:nothing");

  match = MatchRoute("POST", "/v1/candidates:import");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->route->rpc, "passerelle.v1.Matching/ImportCandidates");
}

TEST(RoutesTest, RefusesWhatNoRouteTakes) {
  EXPECT_FALSE(MatchRoute("GET", "/v1/candidates/"));           // empty variable
  EXPECT_FALSE(MatchRoute("GET", "/v1/candidates/a/b"));        // two segments
  EXPECT_FALSE(MatchRoute("GET", "/v1/candidates/%zz"));        // bad escape
  EXPECT_FALSE(MatchRoute("PATCH", "/v1/candidates/c-1"));
  EXPECT_TRUE(PathHasOtherMethod("PATCH", "/v1/candidates/c-1"));
  EXPECT_FALSE(PathHasOtherMethod("GET", "/v1/nothing"));
}

TEST(RoutesTest, GenericRouteNamesAnyRpc) {
  EXPECT_EQ(GenericRpc("/v1/rpc/Matching/GetStatus"), "passerelle.v1.Matching/GetStatus");
  EXPECT_EQ(GenericRpc("/v1/rpc/passerelle.v1.Access/ListKeys"), "passerelle.v1.Access/ListKeys");
  EXPECT_FALSE(GenericRpc("/v1/rpc/Matching"));
  EXPECT_FALSE(GenericRpc("/v1/rpc/Matching/Get/Status"));
  EXPECT_FALSE(GenericRpc("/v1/rpc/Match%20ing/GetStatus"));
}

}  // namespace
}  // namespace passerelle::gateway
