#include <gtest/gtest.h>
#include "minivectordb/index.hpp"
TEST(Smoke, Builds) { mvdb::Index i; mvdb::IndexConfig c; c.dim = 4; ASSERT_TRUE(i.Init(c).ok()); }
