#include <catch2/catch.hpp>

#include <stitch/detail/sha256.hpp>

#include <string>

// SHA-256 against the FIPS 180-4 examples, and Rails' foreign-key names against the names
// ActiveRecord 6.1 gave constraints (the first two are in ../shared/bench/schema.sql, the
// third in the imports table the Rails tests' migration creates).

TEST_CASE("sha256_hex gives the FIPS 180-4 digests", "[sha256]") {
  using stitch::detail::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 56 bytes: the padding takes a second block.
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("foreign keys get the names Rails gives them", "[sha256][schema]") {
  using stitch::detail::rails_foreign_key_name;
  CHECK(rails_foreign_key_name("fields", "data_source_id") == "fk_rails_0ae60062e0");
  CHECK(rails_foreign_key_name("unique_values", "field_id") == "fk_rails_a8ab24a5fc");
  CHECK(rails_foreign_key_name("imports", "data_source_id") == "fk_rails_c47c447cfc");
}
