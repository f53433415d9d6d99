// spectralRadius and largestSingularValue against numpy.linalg (eigvals, norm(·, 2)) and against closed forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { largestSingularValue, largestSingularValuePower, spectralRadius } from '../../src/engine/spectral';

const close = (a: number, b: number, tol: number, what: string): void => {
  assert.ok(Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);
};

// A random 6×6 matrix (numpy: max|eig| = 1.3568053353075051, ‖A‖₂ = 2.235039372483012).
const A6 = Float64Array.from([
  -0.828702, -0.526379, 0.602549, 0.164324, -0.811743, -0.133746, -0.041897, -0.680522, 0.469154, -0.772656,
  -0.217544, 0.03348, -0.138744, 0.173597, 0.475676, 0.912535, -0.431598, 0.297094, 0.392432, -0.414559, -0.99702,
  0.946921, -0.403198, -0.372028, 0.783422, 0.170326, -0.057381, 0.546554, -0.939308, 0.41393, -0.251512, -0.818295,
  0.321, 0.862928, -0.585618, 0.26018,
]);
// A 4×3 matrix (numpy: ‖R‖₂ = 1.3925233216941346).
const R43 = Float64Array.from([-0.403674, 0.483513, 0.44433, -0.562569, 0.659774, 0.315304, 0.365598, 0.640152, -0.142854, 0.517411, 0.75696, -0.79536]);

test('spectral radius and largest singular value match numpy on a random matrix', () => {
  close(spectralRadius(A6, 6), 1.3568053353075051, 1e-12, 'ρ');
  close(largestSingularValue(A6, 6, 6), 2.235039372483012, 1e-12, 'σ_max');
  close(largestSingularValue(R43, 4, 3), 1.3925233216941346, 1e-12, 'σ_max 4×3');
  close(largestSingularValue(R43, 4, 3), largestSingularValuePower(R43, 4, 3, new Float64Array(3).fill(1), 2000, 1e-15), 1e-10, 'power');
});

test('closed forms: rotation-scaling (complex pair), nilpotent, non-normal, diagonal', () => {
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  // 0.9 × rotation: eigenvalues 0.9 e^{±0.7i}, ρ = σ = 0.9 — plain power iteration on a vector would oscillate here.
  close(spectralRadius(Float64Array.from([0.9 * c, -0.9 * s, 0.9 * s, 0.9 * c]), 2), 0.9, 1e-13, 'rotation ρ');
  assert.equal(spectralRadius(Float64Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0]), 3), 0);
  // Upper triangular [[0.5, 100], [0, -0.3]]: ρ = 0.5 although ‖A‖₂ ≈ 100.
  close(spectralRadius(Float64Array.from([0.5, 100, 0, -0.3]), 2), 0.5, 1e-12, 'non-normal ρ');
  close(spectralRadius(Float64Array.from([0.2, 0, 0, 0, -1.7, 0, 0, 0, 1.1]), 3), 1.7, 1e-14, 'diagonal ρ');
  // σ_max of [[3, 0], [4, 5]] = sqrt(45) (singular values sqrt(45), sqrt(5)).
  close(largestSingularValue(Float64Array.from([3, 0, 4, 5]), 2, 2), Math.sqrt(45), 1e-14, 'σ closed form');
  assert.equal(spectralRadius(new Float64Array(4), 2), 0);
});
