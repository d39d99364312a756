package io.onlinelstm.state;

/**
 * A symmetric positive-definite matrix as P = U D U^T, U unit upper triangular and D diagonal
 * positive (Bierman's U-D form), and the conversions to and from the packed upper triangle the
 * previous layout stored. Any U and any positive D make a valid covariance, so rounding U to 16
 * bits can perturb P but never make it indefinite; rounding P's own entries can (the combine
 * part's 16-bit covariance, tried before this form, reset on noiseless series for that reason).
 *
 * <p>U's strict upper triangle is packed column by column: column j holds rows 0..j-1 from
 * {@link #column(int)}, the order in which Bierman's update and U^T x walk it.
 */
public final class UdFactors {

    private UdFactors() {}

    /** Entries of an n x n strict upper triangle. */
    public static int strictSize(int n) {
        return n * (n - 1) / 2;
    }

    /** Offset of column {@code j} in the packed strict upper triangle. */
    public static int column(int j) {
        return j * (j - 1) / 2;
    }

    /**
     * Factors a packed upper triangle (row by row, diagonal included).
     *
     * @return false, leaving the outputs undefined, when the matrix is not positive definite
     */
    public static boolean factor(float[] packedUpper, int n, double[] dOut, double[] uOut) {
        double[][] p = new double[n][n];
        for (int i = 0, k = 0; i < n; i++) {
            for (int j = i; j < n; j++, k++) {
                p[i][j] = packedUpper[k];
                p[j][i] = packedUpper[k];
            }
        }
        double[][] u = new double[n][n];
        for (int j = n - 1; j >= 0; j--) {
            double d = p[j][j];
            for (int k = j + 1; k < n; k++) {
                d -= dOut[k] * u[j][k] * u[j][k];
            }
            if (!(d > 0) || !Double.isFinite(d)) {
                return false;
            }
            dOut[j] = d;
            for (int i = 0; i < j; i++) {
                double v = p[i][j];
                for (int k = j + 1; k < n; k++) {
                    v -= dOut[k] * u[i][k] * u[j][k];
                }
                u[i][j] = v / d;
            }
        }
        for (int j = 1; j < n; j++) {
            for (int i = 0; i < j; i++) {
                uOut[column(j) + i] = u[i][j];
            }
        }
        return true;
    }

    /** P's packed upper triangle (row by row) from its factors: for tests and diagnostics. */
    public static double[] covariance(double[] d, double[] u, int n) {
        double[] packed = new double[n * (n + 1) / 2];
        for (int i = 0, k = 0; i < n; i++) {
            for (int j = i; j < n; j++, k++) {
                // P_ij = sum over m >= j of U_im D_m U_jm, with U_mm = 1
                double s = 0;
                for (int m = j; m < n; m++) {
                    double uim = m == i ? 1 : (m > i ? u[column(m) + i] : 0);
                    double ujm = m == j ? 1 : u[column(m) + j];
                    s += uim * d[m] * ujm;
                }
                packed[k] = s;
            }
        }
        return packed;
    }
}
