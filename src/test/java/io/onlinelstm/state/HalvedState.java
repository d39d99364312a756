package io.onlinelstm.state;

/** For tests that step a model by hand beside the job: the job keeps h and c as halves between readings. */
public final class HalvedState {

    private HalvedState() {}

    /** Every value of {@code rows} rounded to the nearest half, in new arrays. */
    public static float[][] rounded(float[][] rows) {
        float[][] rounded = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            rounded[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                rounded[i][j] = HalfFloat.round(rows[i][j]);
            }
        }
        return rounded;
    }
}
