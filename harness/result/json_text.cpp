// Parsing JSON text from files, logs and the database into an InputError-safe document.
// nlohmann's parser reports syntax errors with a byte offset, but a number out of double's
// range ("1e400") only as "number overflow parsing ..." with no position or field. That
// message used to escape as an internal error; here it becomes an input error that names
// the field, found by a second, path-tracking pass over the text (only on failure).
#include <string>
#include <vector>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

using nlohmann::json;

// A SAX handler that keeps the JSON path of the value being parsed and records it when
// the parser reports an error.
class PathTracker : public nlohmann::json_sax<json> {
 public:
  std::string error_path, error_token;
  std::size_t error_byte = 0;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    value();
    frames_.push_back({false, -1, ""});
    return true;
  }
  bool key(string_t& k) override {
    frames_.back().key = k;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    value();
    frames_.push_back({true, -1, ""});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception&) override {
    error_byte = position;
    error_token = token;
    // The failing value never reached value(): an array's index is one past the last.
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    error_path = path();
    return false;
  }

 private:
  struct Frame {
    bool array;
    long index;
    std::string key;
  };
  std::vector<Frame> frames_;

  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }
  std::string path() const {
    std::string p;
    for (const auto& f : frames_) {
      // Appended piece by piece: GCC 12 misreads "[" + std::to_string(...) as an overlapping
      // copy (-Wrestrict, a known false positive) and the ci preset builds with -Werror.
      if (f.array) {
        p += '[';
        p += std::to_string(f.index);
        p += ']';
      } else {
        if (!p.empty()) p += '.';
        p += f.key;
      }
    }
    return p.empty() ? "document" : p;
  }
};

}  // namespace

json parse_json_text(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(where + ": invalid JSON at byte " + std::to_string(e.byte) +
                     (text.empty() ? " (the file is empty)" : ""));
  } catch (const json::exception& e) {
    // A value the parser cannot represent (a number beyond double's range).
    PathTracker t;
    json::sax_parse(text, &t);
    if (t.error_path.empty()) throw InputError(where + ": unreadable JSON (" + e.what() + ")");
    throw InputError(where + ": " + t.error_path + ": number out of range ('" + t.error_token + "' at byte " +
                     std::to_string(t.error_byte) + ")");
  }
}

}  // namespace sb
