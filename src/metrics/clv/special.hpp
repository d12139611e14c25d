// Private: the special functions the CLV likelihoods call per distinct value and per
// evaluation, from Boost.Math in double precision.
#pragma once

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

namespace crm::clv::detail {

/// Double precision throughout (no promotion to long double, which costs ~15x in lgamma) and
/// NaN instead of exceptions: the optimiser treats a NaN as a rejected step.
using fast_policy = boost::math::policies::policy<
    boost::math::policies::promote_double<false>,
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

inline double lgam(double v) { return boost::math::lgamma(v, fast_policy()); }
inline double psi(double v) { return boost::math::digamma(v, fast_policy()); }
inline double tri(double v) { return boost::math::trigamma(v, fast_policy()); }

}  // namespace crm::clv::detail
