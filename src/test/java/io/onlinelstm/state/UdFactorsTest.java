package io.onlinelstm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UdFactorsTest {

    @Test
    void factorsMultiplyBackToTheCovariance() {
        Random random = new Random(3);
        for (int n : new int[] {1, 2, 5, 26}) {
            float[] triangle = SeriesStateTest.positiveDefiniteTriangle(n, random);
            double[] d = new double[n];
            double[] u = new double[UdFactors.strictSize(n)];
            assertTrue(UdFactors.factor(triangle, n, d, u), "n = " + n);
            for (double v : d) {
                assertTrue(v > 0, "D is positive");
            }
            double[] back = UdFactors.covariance(d, u, n);
            for (int k = 0; k < triangle.length; k++) {
                assertEquals(triangle[k], back[k], 1e-9 * Math.max(1, Math.abs(triangle[k])), "n = " + n + ", entry " + k);
            }
        }
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteHasNoFactors() {
        // [[1, 2], [2, 1]]: eigenvalues 3 and -1
        assertFalse(UdFactors.factor(new float[] {1, 2, 1}, 2, new double[2], new double[1]));
        assertFalse(UdFactors.factor(new float[] {0}, 1, new double[1], new double[0]));
    }

    @Test
    void columnsArePackedOneAfterAnother() {
        assertEquals(0, UdFactors.column(1));
        assertEquals(1, UdFactors.column(2));
        assertEquals(3, UdFactors.column(3));
        assertEquals(UdFactors.strictSize(26), UdFactors.column(25) + 25);
    }
}
