// client::pages(): any listing, page by page, following each page's `next` link.
#include <didit/client.hpp>

#include "operations/call_operation.hpp"
#include "operations/generic_call.hpp"
#include "wire/list_codec.hpp"

#include <boost/json/parse.hpp>

namespace didit::detail {

struct list_cursor {
    std::string path;       ///< prefix included, without the query
    std::string first;      ///< the first page's target: path and the caller's query
    std::string next_query; ///< the query of the last page's `next` link
    std::string problem;    ///< why the listing cannot be asked for; empty when it can
    error refusal = error::invalid_request;
    // Written on the strand when a page arrives, read by the caller after it completed.
    bool started = false;
    bool done = false;
};

namespace {

flow_result<list_page> read_list_page(const std::shared_ptr<list_cursor>& cursor,
                                      const incoming_response& response, diagnostics& diag) {
    boost::system::error_code ec;
    auto body = boost::json::parse(response.body, ec);
    if (ec) {
        diag.message = "the listing is not JSON: " + ec.message();
        return {error::invalid_response, {}};
    }
    list_page page;
    const boost::json::array* rows = body.if_array();
    std::optional<std::string> next;
    if (const auto* object = body.if_object()) {
        const auto* results = object->if_contains("results");
        rows = results != nullptr ? results->if_array() : nullptr;
        if (rows == nullptr) {
            diag.message = "the listing has no 'results' array";
            return {error::invalid_response, {}};
        }
        if (const auto* count = object->if_contains("count"); count && count->is_number()) {
            boost::system::error_code number_ec;
            auto value = count->to_number<std::uint64_t>(number_ec);
            if (!number_ec)
                page.count = value;
        }
        if (const auto* link = object->if_contains("next"); link && link->is_string()) {
            next = link_query(link->get_string());
            if (!next) {
                diag.message = "the listing's 'next' link has no query to follow";
                return {error::invalid_response, {}};
            }
        }
    } else if (rows == nullptr) {
        diag.message = "the listing is neither an object with 'results' nor an array";
        return {error::invalid_response, {}};
    }
    page.rows.assign(rows->begin(), rows->end());
    cursor->started = true;
    cursor->next_query = next.value_or("");
    cursor->done = !next;
    return {error_code{}, std::move(page)};
}

} // namespace

std::shared_ptr<list_cursor> make_list_cursor(const client_impl* impl, std::string_view path) {
    auto cursor = std::make_shared<list_cursor>();
    if (impl == nullptr) {
        cursor->problem = moved_from_problem;
        cursor->refusal = error::client_moved_from;
        return cursor;
    }
    if (auto problem = check_call_path(path); !problem.empty()) {
        cursor->problem = std::move(problem);
        return cursor;
    }
    cursor->first = impl->target(path);
    cursor->path = cursor->first.substr(0, cursor->first.find('?'));
    return cursor;
}

list_request encode_next_list_page(const std::shared_ptr<list_cursor>& cursor) {
    if (!cursor->problem.empty())
        return {refuse(cursor->problem, cursor->refusal), cursor};
    if (cursor->done)
        return {refuse("the listing has no more pages"), cursor};
    encoded_request request;
    request.method = "GET";
    request.idempotent = true;
    if (cursor->started)
        request.target.append(cursor->path).append("?").append(cursor->next_query);
    else
        request.target = cursor->first;
    return {std::move(request), cursor};
}

bool list_cursor_done(const list_cursor& cursor) noexcept {
    return cursor.done;
}

void start_list_page(std::shared_ptr<client_impl> impl, list_request&& request, diagnostics* diag,
                     list_page_handler&& handler) {
    start_call<list_page>(
        std::move(impl), std::move(request.request), operations::call, diag, std::move(handler),
        [cursor = std::move(request.cursor)](const incoming_response& response, diagnostics& diag) {
            return read_list_page(cursor, response, diag);
        });
}

} // namespace didit::detail
