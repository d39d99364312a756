package io.onlinelstm.model;

import java.io.Serializable;

/**
 * Adam settings for fine-tuning, with PyTorch's defaults except the learning rate, which is the
 * Keras default of 1e-3 as well. Weight decay is the classic L2 form (added to the gradient);
 * gradients are clipped by their global norm before the update.
 */
public final class OptimizerConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPSILON = 1e-8f;
    public static final float DEFAULT_WEIGHT_DECAY = 0f;
    public static final float DEFAULT_CLIP_NORM = 1f;

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float clipNorm;

    private OptimizerConfig(Builder b) {
        this.learningRate = positive("learningRate", b.learningRate);
        this.beta1 = unitInterval("beta1", b.beta1);
        this.beta2 = unitInterval("beta2", b.beta2);
        this.epsilon = positive("epsilon", b.epsilon);
        if (!(b.weightDecay >= 0f) || Float.isInfinite(b.weightDecay)) {
            throw new IllegalArgumentException(
                    "OptimizerConfig.weightDecay must be a finite number >= 0, got " + b.weightDecay);
        }
        this.weightDecay = b.weightDecay;
        if (!(b.clipNorm >= 0f) || Float.isInfinite(b.clipNorm)) {
            throw new IllegalArgumentException(
                    "OptimizerConfig.clipNorm must be a finite number >= 0 (0 turns clipping off), got "
                            + b.clipNorm);
        }
        this.clipNorm = b.clipNorm;
    }

    private static float positive(String field, float v) {
        if (!(v > 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(
                    "OptimizerConfig." + field + " must be a finite number > 0, got " + v);
        }
        return v;
    }

    private static float unitInterval(String field, float v) {
        if (!(v >= 0f && v < 1f)) {
            throw new IllegalArgumentException(
                    "OptimizerConfig." + field + " must be in [0, 1), got " + v);
        }
        return v;
    }

    public static OptimizerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public float learningRate() {
        return learningRate;
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float epsilon() {
        return epsilon;
    }

    public float weightDecay() {
        return weightDecay;
    }

    /** Maximum global L2 norm of the gradient; 0 means no clipping. */
    public float clipNorm() {
        return clipNorm;
    }

    @Override
    public String toString() {
        return "OptimizerConfig{learningRate=" + learningRate
                + ", beta1=" + beta1
                + ", beta2=" + beta2
                + ", epsilon=" + epsilon
                + ", weightDecay=" + weightDecay
                + ", clipNorm=" + clipNorm
                + '}';
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private float learningRate = DEFAULT_LEARNING_RATE;
        private float beta1 = DEFAULT_BETA1;
        private float beta2 = DEFAULT_BETA2;
        private float epsilon = DEFAULT_EPSILON;
        private float weightDecay = DEFAULT_WEIGHT_DECAY;
        private float clipNorm = DEFAULT_CLIP_NORM;

        public Builder learningRate(float v) {
            this.learningRate = v;
            return this;
        }

        public Builder beta1(float v) {
            this.beta1 = v;
            return this;
        }

        public Builder beta2(float v) {
            this.beta2 = v;
            return this;
        }

        public Builder epsilon(float v) {
            this.epsilon = v;
            return this;
        }

        public Builder weightDecay(float v) {
            this.weightDecay = v;
            return this;
        }

        public Builder clipNorm(float v) {
            this.clipNorm = v;
            return this;
        }

        public OptimizerConfig build() {
            return new OptimizerConfig(this);
        }
    }
}
