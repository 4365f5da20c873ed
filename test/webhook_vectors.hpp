#pragma once
// Test vector A (basic_approved) of the API reference, section 3.5: Didit's own fixture.

#include <string_view>

namespace webhook_vectors {

constexpr std::string_view fixture_secret = "wh_test_secret_9f2c4b8e1a7d";

constexpr std::string_view body_a =
    R"({"application_id":"11111111-2222-3333-4444-555555555555","created_at":1774969994,"decision":{"id_verifications":[{"node_id":"id_verification_1","status":"Approved","warnings":[]}],"reviews":[],"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","status":"Approved"},"environment":"live","event_id":"9c0c8b8a-1111-4222-9333-444444444444","metadata":{"wp_user_id":42},"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","status":"Approved","timestamp":1774970000,"vendor_data":"wp-42","webhook_type":"status.updated","workflow_id":"22222222-3333-4444-5555-666666666666","workflow_version":4})";
constexpr std::string_view sig_a =
    "c8abe0c1a9e1e8325e83b789f4d1c398a3c9a5cd727424b642d4a93036be8977";
constexpr std::string_view simple_a =
    "d831dd64f6c1801e214d9c114fe24167baee695a879404771d3d5dbfb10fdf75";

} // namespace webhook_vectors
